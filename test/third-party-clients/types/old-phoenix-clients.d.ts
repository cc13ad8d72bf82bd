// phoenix-channels and phoenix-socket ship no types; the spec drives them as phoenix.js 1.2.
declare module 'phoenix-channels' {
  const phoenixChannels: { Socket: new (url: string, options?: Record<string, unknown>) => any };
  export default phoenixChannels;
}
declare module 'phoenix-socket' {
  export const Socket: new (url: string, options?: Record<string, unknown>) => any;
}
