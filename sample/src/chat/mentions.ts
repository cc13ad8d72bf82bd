const MENTION = /(?<![A-Za-z0-9_-])@([A-Za-z0-9_-]{1,32})(?![A-Za-z0-9_-])/g;

/** The distinct user names a message body mentions as `@name`, in order of appearance. */
export function findMentions(body: string): string[] {
  return [...new Set(Array.from(body.matchAll(MENTION), (match) => match[1]))];
}
