import { Writable } from "node:stream";
import { confirm, input, password, select } from "@inquirer/prompts";

/** One entry of a select question. */
export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
}

export interface SelectQuestion<T> {
  message: string;
  choices: readonly Choice<T>[];
  default?: T;
}

export interface InputQuestion {
  message: string;
  default?: string;
  /** `true` when the answer is acceptable, otherwise the reason shown to the user. */
  validate?: (value: string) => true | string;
}

export interface PasswordQuestion {
  message: string;
  validate?: (value: string) => true | string;
}

export interface ConfirmQuestion {
  message: string;
  default?: boolean;
}

/**
 * Every question setup asks goes through this interface: the terminal implementation wraps
 * @inquirer/prompts, tests pass a scripted one.
 */
export interface Prompts {
  select<T>(question: SelectQuestion<T>): Promise<T>;
  input(question: InputQuestion): Promise<string>;
  /** Masked input, for API keys. */
  password(question: PasswordQuestion): Promise<string>;
  confirm(question: ConfirmQuestion): Promise<boolean>;
}

/** Where the prompts read keystrokes and draw; defaults to the process's stdin and stdout. */
export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** The real prompts, drawn by @inquirer/prompts. */
export function inquirerPrompts(streams: PromptStreams = {}): Prompts {
  // Each inquirer prompt ends the output stream it was given when it finishes, so a caller's own
  // stream is handed over behind a fresh forwarder per prompt (stdout is never ended, so it goes as is).
  const context = () => ({
    ...(streams.input ? { input: streams.input } : {}),
    ...(streams.output ? { output: forwardTo(streams.output) } : {}),
  });
  return {
    select: <T>(question: SelectQuestion<T>) =>
      select<T>(
        {
          message: question.message,
          choices: question.choices.map((choice) => ({
            value: choice.value,
            name: choice.name,
            ...(choice.description === undefined ? {} : { description: choice.description }),
          })),
          ...(question.default === undefined ? {} : { default: question.default }),
          pageSize: 12,
        },
        context(),
      ),
    input: (question) =>
      input(
        {
          message: question.message,
          ...(question.default === undefined ? {} : { default: question.default }),
          ...(question.validate ? { validate: question.validate } : {}),
        },
        context(),
      ),
    password: (question) =>
      password(
        {
          message: question.message,
          mask: "*",
          ...(question.validate ? { validate: question.validate } : {}),
        },
        context(),
      ),
    confirm: (question) =>
      confirm(
        { message: question.message, ...(question.default === undefined ? {} : { default: question.default }) },
        context(),
      ),
  };
}

function forwardTo(target: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      target.write(chunk);
      done();
    },
  });
}

/** An interrupted prompt (Ctrl-C, closed terminal) rejects with this error name from @inquirer/core. */
export function isPromptExit(error: unknown): boolean {
  return error instanceof Error && (error.name === "ExitPromptError" || error.name === "AbortPromptError");
}
