import { UsageError } from "../../config/errors.js";
import { WEBHOOK_PATH } from "../../webhooks/path.js";
import { checkWebhookUrl, type WebhookUrlCheck } from "../../webhooks/registration/url.js";
import type { SetupOutput, SetupRun } from "../contract.js";

/**
 * The URL Clockify should POST to. People think of "the service's address", so a URL without the
 * webhook route gets it appended: `https://sync.example.com` → `https://sync.example.com/webhooks/clockify`.
 */
export function completeWebhookUrl(raw: string): WebhookUrlCheck {
  const text = raw.trim();
  let candidate = text;
  try {
    const url = new URL(text);
    if (!url.pathname.endsWith(WEBHOOK_PATH) && url.search === "" && url.hash === "") {
      url.pathname = `${url.pathname.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
      candidate = url.href;
    }
  } catch {
    // checkWebhookUrl says what is wrong.
  }
  return checkWebhookUrl(candidate);
}

/** A --webhook-url (or a typed answer) completed and checked; a bad one is a UsageError. */
export function checkedWebhookUrl(raw: string, out: SetupOutput): string {
  const checked = completeWebhookUrl(raw);
  if ("error" in checked) throw new UsageError(`--webhook-url: ${checked.error}`);
  if (checked.warning !== null) out.warn(checked.warning);
  return checked.url;
}

/** The URL to register webhooks at (the flag's, or asked for), or undefined to skip them. */
export async function webhookUrlAnswer(run: SetupRun, preset: string | undefined): Promise<string | undefined> {
  const { ask } = run;
  if (run.flags.webhooks === false) return undefined;
  if (preset !== undefined) return preset;
  const register = await ask.confirm({
    message: "Register Clockify webhooks now, so changes are mirrored within seconds? (needs the service's public URL)",
    default: true,
  });
  if (!register) return undefined;
  const answer = await ask.input("--webhook-url", {
    message: `Public URL of the service, as Clockify will reach it (e.g. https://sync.example.com; ${WEBHOOK_PATH} is added)`,
    validate: (value) => {
      const checked = completeWebhookUrl(value);
      return "error" in checked ? checked.error : true;
    },
  });
  return checkedWebhookUrl(answer, run.out);
}
