import { ConfigError, UsageError } from "../../config/errors.js";
import { parseConfig } from "../../config/parse.js";
import type { PairConfig } from "../../config/schema.js";
import { isEmail } from "../../sync/members.js";
import { readRawConfig, validateTree, writeConfigAtomically, type RawConfigFile } from "../config-file.js";
import { SetupCancelled, SetupError, type SetupResult, type SetupRun } from "../contract.js";
import { addMemberToTree, type UserEntry } from "../member-file.js";
import { doctorStep } from "./doctor.js";
import { describeUser } from "./keys.js";
import { findMember, pairSide, sourceIdOf, type PairSide } from "./member-lookup.js";
import { nextSteps } from "./repeat.js";

export interface AddMemberRequest {
  pairId: string;
  /** The new member's email in the source workspace. */
  email: string;
  /** Their email or user id in the destination workspace; the same email when not given. */
  destination?: string;
}

/**
 * `setup --pair ID --add-member EMAIL`: one more person mirrored by an existing pair, instead of a second
 * pair of the same client (which would mirror the client's projects twice). The email must name a member
 * of both workspaces and not someone the pair mirrors already; only then is the file written, the same
 * way a new pair is (whole file validated, atomic write, its mode kept).
 */
export async function addMember(run: SetupRun, request: AddMemberRequest): Promise<SetupResult> {
  const { deps, out } = run;
  const initial = readRawConfig(deps.configPath);
  if (!initial.exists) throw new UsageError(`${deps.configPath} does not exist, so it has no pair "${request.pairId}" to add a member to; run npm run setup first`);
  const entry = userEntry(request);
  const planned = addMemberToTree(initial.tree, request.pairId, entry);
  if (!planned.ok) throw new UsageError(`${planned.problem}. Nothing was written`);
  const pair = ownPair(initial, request.pairId, deps.env);
  const source = await pairSide(pair, "source", deps.clientFactory(pair.source.apiKey));
  const destinationClient = pair.destination.apiKey === pair.source.apiKey ? source.client : deps.clientFactory(pair.destination.apiKey);
  const destination = await pairSide(pair, "destination", destinationClient);
  const sourceUser = await findMember(source, request.email);
  const destinationUser = await findMember(destination, request.destination ?? request.email);
  await refuseDuplicate(pair, source, { email: request.email, id: sourceUser.id });
  out.line(`✔ ${request.email} in the source workspace ${source.label}: ${describeUser(sourceUser)} (${sourceUser.id})`);
  out.line(`✔ copies in the destination workspace ${destination.label} go to ${describeUser(destinationUser)} (${destinationUser.id})`);
  const where = `${planned.field} of pair "${request.pairId}"`;
  if (!(await run.ask.confirm({ message: `Add ${request.email} as ${where} in ${deps.configPath}?`, default: true }))) {
    throw new SetupCancelled("setup cancelled: nothing was written");
  }
  // Read again: only this pair changes, whatever happened to the file while the question was answered.
  const current = readRawConfig(deps.configPath);
  const added = addMemberToTree(current.tree, request.pairId, entry);
  if (!added.ok) throw new SetupError(`${added.problem} (the file changed while setup ran). Nothing was written`);
  const validated = validateTree(added.tree, added.pair, deps.env);
  writeConfigAtomically(deps.configPath, added.tree, current.mode);
  out.line(`✔ added ${request.email} to pair "${request.pairId}" as ${added.field} in ${deps.configPath}`);
  if (added.converted) out.line("  the pair's source.userId / destination.userId became users[0], since a pair with several users lists them all in users");
  out.line(
    `  the source workspace's entry webhooks must cover the new member: npm run webhooks -- register --url <public URL> --pair ${request.pairId} (updates them)`,
  );
  if (validated.unsetVariables.length > 0) {
    out.warn(`the config file refers to variables not set here: ${validated.unsetVariables.join(", ")}; the service needs them`);
  }
  for (const line of nextSteps("needed")) out.line(line);
  const checks = await doctorStep(run, validated.config, request.pairId);
  return {
    pairId: request.pairId,
    configPath: deps.configPath,
    replaced: false,
    secretInFile: false,
    webhooks: "skipped",
    reconcile: "skipped",
    reload: "needed",
    checks,
    exitCode: 0,
    member: { field: added.field, sourceUserId: sourceUser.id, destinationUserId: destinationUser.id },
  };
}

/** The entry as written: the email, and the destination only when it differs from it. */
function userEntry(request: AddMemberRequest): UserEntry {
  const destination = request.destination;
  const same = destination === undefined || destination.toLowerCase() === request.email.toLowerCase();
  return same ? { source: request.email } : { source: request.email, destination };
}

/** The pair as the service reads it (keys from the environment), without the rest of the file's variables. */
function ownPair(file: RawConfigFile, pairId: string, env: NodeJS.ProcessEnv): PairConfig {
  const raw = (file.tree["pairs"] as unknown[]).find((p) => typeof p === "object" && p !== null && (p as Record<string, unknown>)["id"] === pairId);
  const own: Record<string, unknown> = { pairs: [raw] };
  if (file.tree["clockify"] !== undefined) own["clockify"] = file.tree["clockify"];
  try {
    const [pair] = parseConfig(own, env).pairs;
    if (pair) return pair;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.problems, { heading: `pair "${pairId}" in ${file.path} is not valid as it is; fix it first (nothing was written):` });
  }
  throw new UsageError(`no pair "${pairId}" in ${file.path}`);
}

/** Someone the pair mirrors already, by email or by the id an entry stands for, is refused. */
async function refuseDuplicate(pair: PairConfig, source: PairSide, added: { email: string; id: string }): Promise<void> {
  for (const member of pair.members) {
    const same =
      (isEmail(member.source) && member.source.toLowerCase() === added.email.toLowerCase()) || (await sourceIdOf(source, member.source)) === added.id;
    if (same) {
      const field = member.field === "source.userId" ? "source.userId" : `${member.field}.source`;
      throw new UsageError(`${added.email} is already mirrored by pair "${pair.id}" (${field} ${member.source}); nothing was written`);
    }
  }
}

/**
 * At a terminal, with pairs in the file and no flag about a new pair: offer to add a member to one of
 * them, since a second pair of the same client would mirror its projects twice. Undefined: a new pair.
 */
export async function offerAddMember(run: SetupRun, existing: ReadonlyMap<string, string | undefined>): Promise<AddMemberRequest | undefined> {
  const f = run.flags;
  if (!run.interactive || f.yes === true || existing.size === 0) return undefined;
  if ([f.sourceWorkspace, f.client, f.destinationWorkspace, f.sourceUser, f.destinationUser, f.pair].some((v) => v !== undefined)) return undefined;
  const addTo = [...existing].map(([id, what]) => ({ value: id as string | null, name: `Add a member to pair "${id}"`, ...(what === undefined ? {} : { description: what }) }));
  const picked = await run.ask.select("--add-member", {
    message: `${run.deps.configPath} has ${existing.size === 1 ? "a pair" : `${existing.size} pairs`}. Add a member to ${existing.size === 1 ? "it" : "one of them"}, or set up a new pair?`,
    choices: [...addTo, { value: null, name: "Set up a new pair" }],
    default: null,
  });
  if (picked === null) return undefined;
  const email = await run.ask.input("--add-member", {
    message: `Email of the new member in pair "${picked}"'s source workspace`,
    validate: (v) => (v.includes("@") ? true : "expected an email"),
  });
  const destination = await run.ask.input("--destination-member", {
    message: "Their email or user id in the destination workspace",
    default: email,
    validate: (v) => (v.trim() === "" ? "expected an email or a user id" : true),
  });
  return { pairId: picked, email, destination };
}
