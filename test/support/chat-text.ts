/** Chat-like text of `length` characters: compresses about 5x, like real JSON chatter. */
export function chatText(length: number): string {
  const words = ['hello', 'room', 'message', 'lobby', 'the', 'quick', 'fox', 'presence', 'channel', 'typing'];
  let text = '';
  for (let i = 0; text.length < length; i++) text += `${words[(i * 7) % words.length]} `;
  return text.slice(0, length);
}
