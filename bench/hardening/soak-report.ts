/** Collects the soaks' figures and pass/fail checks, printed as they come. */
export class SoakReport {
  readonly failures: string[] = [];

  line(text: string): void {
    console.log(text);
  }

  check(name: string, met: boolean, figure: string): void {
    console.log(`${met ? 'MET' : 'NOT MET'}: ${name} (${figure})`);
    if (!met) this.failures.push(`${name} (${figure})`);
  }
}
