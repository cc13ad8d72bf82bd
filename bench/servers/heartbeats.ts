/**
 * Heartbeats are off while measuring, on every server alike: a run lasts longer than Phoenix's
 * 60 s idle timeout and Socket.IO's 25 s ping interval, and 19k heartbeats landing inside a
 * measurement window would be noise, not fan-out cost. (A soak scenario with heartbeats on is
 * separate.)
 */
export const IDLE_TIMEOUT_MS = 60 * 60 * 1000;
