/** A clock the tests move by hand, so expiry is tested without waiting. */
export class FakeClock {
  private current = Date.now();

  readonly now = (): number => this.current;

  advanceSeconds(seconds: number): void {
    this.current += seconds * 1000;
  }
}
