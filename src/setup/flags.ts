import { z } from "zod";
import { isHttpUrl } from "../config/fields.js";
import { PAIR_ID_PATTERN } from "../config/schema.js";
import { PAIR_ID_RULE } from "./steps/pair-id.js";

const choice = (flag: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${flag}: expected an id or a name` })
    .optional();

/** The flags that describe a new pair, which --add-member does not take. */
const NEW_PAIR_FLAGS = ["sourceWorkspace", "client", "destinationWorkspace", "sourceUser", "destinationUser", "replace"] as const;

/** The answers setup can take from the command line instead of asking. */
export const setupFlagsSchema = z
  .object({
    sourceWorkspace: choice("--source-workspace"),
    client: choice("--client"),
    destinationWorkspace: choice("--destination-workspace"),
    sourceUser: choice("--source-user"),
    destinationUser: choice("--destination-user"),
    pair: z
      .string()
      .regex(PAIR_ID_PATTERN, { error: `--pair: expected ${PAIR_ID_RULE}` })
      .optional(),
    webhookUrl: z
      .string()
      .refine(isHttpUrl, { error: "--webhook-url: expected the service's public http(s) URL" })
      .optional(),
    /** false for `--no-webhooks`; undefined when not given. */
    webhooks: z.boolean().optional(),
    reconcile: z.boolean().optional(),
    yes: z.boolean().optional(),
    /** Replace a pair of the same id; --yes alone never does. */
    replace: z.boolean().optional(),
    /** Add this person (their email in the source workspace) to the existing pair --pair. */
    addMember: z
      .string()
      .trim()
      .refine((v) => v.includes("@"), { error: "--add-member: expected the new member's email in the source workspace" })
      .optional(),
    /** Their email or user id in the destination workspace; default the --add-member email. */
    destinationMember: z.string().trim().min(1, { error: "--destination-member: expected an email or a user id" }).optional(),
  })
  .refine((flags) => !(flags.webhooks === false && flags.webhookUrl !== undefined), {
    error: "--webhook-url and --no-webhooks contradict each other",
  })
  .refine((flags) => flags.addMember === undefined || flags.pair !== undefined, {
    error: "--add-member needs --pair <id>: the existing pair the member is added to",
  })
  .refine((flags) => flags.destinationMember === undefined || flags.addMember !== undefined, {
    error: "--destination-member goes with --add-member <email>",
  })
  .refine((flags) => flags.addMember === undefined || NEW_PAIR_FLAGS.every((key) => flags[key] === undefined), {
    error: "--add-member changes an existing pair: leave out --source-workspace, --client, --destination-workspace, --source-user, --destination-user and --replace",
  });

export type SetupFlags = z.infer<typeof setupFlagsSchema>;

/** The command-line spelling of each flag, for messages. */
export const FLAG_NAMES = {
  sourceWorkspace: "--source-workspace",
  client: "--client",
  destinationWorkspace: "--destination-workspace",
  sourceUser: "--source-user",
  destinationUser: "--destination-user",
  pair: "--pair",
  webhookUrl: "--webhook-url",
  reconcile: "--reconcile",
  yes: "--yes",
  replace: "--replace",
  addMember: "--add-member",
  destinationMember: "--destination-member",
} as const satisfies Partial<Record<keyof SetupFlags, string>>;
