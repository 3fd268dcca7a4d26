/**
 * The demo's transcript: steps, what each person does, what they see, and the state of the
 * workspace after. Every line goes to `write` as it is made (so a person watches it happen) and
 * is kept (so a test can read it back).
 */

export class DemoStepFailed extends Error {
  override readonly name = 'DemoStepFailed';
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

const INDENT = '    ';

export class Transcript {
  readonly lines: string[] = [];
  private currentStep = 'start-up';

  constructor(private readonly write: (line: string) => void) {}

  get step(): string {
    return this.currentStep;
  }

  line(text = ''): void {
    this.lines.push(text);
    this.write(text);
  }

  /** A new step of the story. */
  begin(step: string, summary?: string): void {
    this.currentStep = step;
    this.line();
    this.line(`━━ ${step}`);
    if (summary) this.line(summary);
  }

  /** Someone does something in Slack. */
  act(person: string, what: string): void {
    this.line(`▸ ${person}: ${what}`);
  }

  /** What someone sees, indented under the action that showed it. */
  sees(person: string, where: string, lines: readonly string[]): void {
    this.line(`  ${person} sees ${where}:`);
    for (const text of lines) this.line(`${INDENT}${text}`);
  }

  /** The state of something after the step (a user group's members, a channel's). */
  state(label: string, value: string): void {
    this.line(`  ◆ ${label}: ${value}`);
  }

  note(text: string): void {
    this.line(`  ${text}`);
  }

  /** A check of the step's outcome: a failed one stops the demo, naming the step. */
  check(condition: unknown, whatShouldHold: string): void {
    if (!condition) throw new DemoStepFailed(this.currentStep, `expected ${whatShouldHold}`);
  }
}
