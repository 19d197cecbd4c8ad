import { UsageError } from "../config/errors.js";
import { matchFlag, type Named } from "./choices.js";
import type { SetupOutput } from "./contract.js";
import type { Prompts, SelectQuestion } from "./prompts.js";

/** Asks through the prompts, or answers from --yes, or fails naming the flag when it cannot ask. */
export class Asker {
  constructor(
    private readonly prompts: Prompts,
    private readonly interactive: boolean,
    private readonly yes: boolean,
    private readonly out: SetupOutput,
  ) {}

  async confirm(question: { message: string; default?: boolean }): Promise<boolean> {
    if (this.yes) {
      this.out.line(`✔ ${question.message} yes (--yes)`);
      return true;
    }
    this.mayAsk("--yes", question.message);
    return this.prompts.confirm(question);
  }

  async select<T>(flag: string, question: SelectQuestion<T>): Promise<T> {
    this.mayAsk(flag, question.message);
    return this.prompts.select<T>(question);
  }

  async input(flag: string, question: Parameters<Prompts["input"]>[0]): Promise<string> {
    this.mayAsk(flag, question.message);
    return (await this.prompts.input(question)).trim();
  }

  async password(what: string, question: Parameters<Prompts["password"]>[0]): Promise<string> {
    this.mayAsk(what, question.message);
    return (await this.prompts.password(question)).trim();
  }

  /** A flag's value, or the user's pick from the list; `fallback` answers when no question may be asked. */
  async choose<T extends Named>(spec: {
    flag: string;
    flagValue: string | undefined;
    /** What a flag names, for errors: "workspace", "client", "user". */
    what: string;
    /** How the answer is reported: "source workspace", "destination user". */
    title: string;
    message: string;
    items: readonly T[];
    default?: string;
    fallback?: T;
  }): Promise<T> {
    if (spec.flagValue !== undefined) {
      const picked = matchFlag(spec.flag, spec.flagValue, spec.items, spec.what);
      this.out.line(`✔ ${spec.title}: ${picked.label} (${spec.flag})`);
      return picked;
    }
    if (!this.interactive && spec.fallback !== undefined) {
      this.out.line(`✔ ${spec.title}: ${spec.fallback.label} (the key's owner; ${spec.flag} to choose)`);
      return spec.fallback;
    }
    const id = await this.select(spec.flag, {
      message: spec.message,
      choices: spec.items.map((item) => ({ value: item.id, name: item.label, description: item.id })),
      ...(spec.default === undefined ? {} : { default: spec.default }),
    });
    const picked = spec.items.find((item) => item.id === id);
    if (picked === undefined) throw new Error(`the answer to "${spec.message}" is not one of the choices`);
    return picked;
  }

  private mayAsk(flag: string, message: string): void {
    if (!this.interactive) {
      throw new UsageError(`missing ${flag}: stdin is not a terminal, so setup cannot ask "${message}"`);
    }
  }
}
