import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPO } from './app-dir.js';
import { extractSnippets } from './markdown-snippets.js';

// docs/serializers.md shows the realtime-js example as two files; the tests drive the files of
// examples/supabase-realtime. They must be the same code, or the page shows untested code.

test('docs/serializers.md shows the files of examples/supabase-realtime exactly', () => {
  const page = 'docs/serializers.md';
  const snippets = extractSnippets(readFileSync(join(REPO, page), 'utf8'), page);
  for (const name of ['realtime.serializer.ts', 'realtime.channel.ts']) {
    const shown = snippets.find((snippet) => snippet.file !== undefined && basename(snippet.file) === name);
    const file = readFileSync(join(REPO, 'examples/supabase-realtime', name), 'utf8');
    expect({ name, code: shown?.code.trimEnd() }).toEqual({ name, code: file.trimEnd() });
  }
});
