import { findMentions } from '../src/chat/mentions.js';

test.each([
  ['hi @bob', ['bob']],
  ['@ann and @bob_2-x, then @ann again', ['ann', 'bob_2-x']],
  ['(@bob)', ['bob']],
  ['@bob: look', ['bob']],
  ['mail bob@example.com', []],
  ['@ alone', []],
  ['no mentions at all', []],
  [`@${'a'.repeat(33)}`, []],
])('findMentions(%j) is %j', (body, expected) => {
  expect(findMentions(body)).toEqual(expected);
});
