import { acceptDeflateOffer } from '../../../lib/transports/websocket/deflate-offer.js';

describe('acceptDeflateOffer', () => {
  test.each([
    // Chromium and Firefox send this; ws's client too.
    ['permessage-deflate; client_max_window_bits', 'permessage-deflate; client_max_window_bits', 15],
    ['permessage-deflate', 'permessage-deflate', 15],
    ['PerMessage-Deflate; Server_Max_Window_Bits=11', 'permessage-deflate; server_max_window_bits=11', 11],
    ['permessage-deflate; client_max_window_bits="9"; server_no_context_takeover', 'permessage-deflate; client_max_window_bits=9; server_no_context_takeover', 15],
    ['x-webkit-deflate-frame, permessage-deflate; client_no_context_takeover', 'permessage-deflate; client_no_context_takeover', 15],
  ])('%s is taken as %s, window %i', (offer, header, serverWindowBits) => {
    expect(acceptDeflateOffer(offer)).toEqual({ header, serverWindowBits });
  });

  test.each([
    [undefined],
    [''],
    ['x-webkit-deflate-frame'],
    ['permessage-deflate; server_max_window_bits=8'],
    ['permessage-deflate; server_max_window_bits=16'],
    ['permessage-deflate; server_max_window_bits=010a'],
    ['permessage-deflate; client_max_window_bits=7'],
    ['permessage-deflate; server_no_context_takeover=yes'],
    ['permessage-deflate; mystery'],
    ['permessage-deflate; client_max_window_bits; client_max_window_bits=10'],
    [`permessage-deflate; ${'x'.repeat(2000)}`],
  ])('%p is declined', (offer) => {
    expect(acceptDeflateOffer(offer)).toBeUndefined();
  });

  test('a header sent twice reads as one list', () => {
    expect(acceptDeflateOffer(['permessage-deflate; mystery', 'permessage-deflate'])?.header).toBe('permessage-deflate');
  });
});
