import { createEntry, deleteEntry, listEntries, replaceEntry, stopTimer, type EntryWriteOptions } from "../entries.js";
import { deleteEntries } from "../entry-changes.js";
import { accessDenied, badRequest } from "../errors.js";
import { assertEntryAllowed, assertMayAddTimeFor, assertNotApproved, assertNotLocked } from "../workspace-rules.js";
import { createEntryBody, parseBody, stopTimerBody, updateEntryBody } from "../request-schemas.js";
import { hydratedTimeEntryDto, timeEntryDto } from "../serialize.js";
import { created, ok, workspaceRoute } from "./define.js";
import { flag, instant, list, paging, text } from "./query.js";
import type { EntryRecord, Role, WorkspaceRecord } from "../model.js";
import type { Route, WorkspaceContext } from "./define.js";

const USER_ENTRIES = "/v1/workspaces/{workspaceId}/user/{userId}/time-entries";
const ENTRIES = "/v1/workspaces/{workspaceId}/time-entries";
const ENTRY = `${ENTRIES}/{id}`;

function isManager(role: Role): boolean {
  return role === "OWNER" || role === "ADMIN";
}

/** Members act on their own entries; owners and admins on everyone's. */
function assertMayActFor(ctx: WorkspaceContext, userId: string, what: string): void {
  if (userId !== ctx.user.id && !isManager(ctx.role)) {
    throw accessDenied(`only workspace owners and admins can ${what} of other users`);
  }
}

/** HTTP writes emit webhooks and obey the workspace's rules for the caller's role. */
function ruled(ctx: WorkspaceContext): EntryWriteOptions {
  return {
    emit: true,
    allowed: (entry) => assertEntryAllowed(ctx.ws, ctx.role, entry),
    unlocked: (start) => assertNotLocked(ctx.ws, ctx.role, start),
  };
}

function entryOf(ctx: WorkspaceContext): EntryRecord {
  return ctx.store.entry(ctx.ws, ctx.params.id ?? "");
}

function view(ws: WorkspaceRecord, entry: EntryRecord, hydrated: boolean | undefined): unknown {
  return hydrated ? hydratedTimeEntryDto(ws, entry) : timeEntryDto(entry);
}

export const timeEntryRoutes: Route[] = [
  workspaceRoute("GET", USER_ENTRIES, (ctx) => {
    const { store, ws, params, query } = ctx;
    const userId = params.userId ?? "";
    store.member(ws, userId);
    assertMayActFor(ctx, userId, "see time entries");
    const page = listEntries(store, ws, userId, {
      ...paging(query),
      start: instant(query, "start"),
      end: instant(query, "end"),
      inProgress: flag(query, "in-progress"),
      projectId: text(query, "project"),
      taskId: text(query, "task"),
      description: text(query, "description"),
    });
    const hydrated = flag(query, "hydrated");
    return ok(
      page.items.map((e) => view(ws, e, hydrated)),
      200,
      { "Last-Page": String(page.lastPage) },
    );
  }),

  workspaceRoute("POST", ENTRIES, (ctx) => {
    const input = parseBody(createEntryBody, ctx.body);
    return created(timeEntryDto(createEntry(ctx.store, ctx.ws, ctx.user.id, input, ruled(ctx))));
  }),

  workspaceRoute("POST", USER_ENTRIES, (ctx) => {
    const input = parseBody(createEntryBody, ctx.body);
    const userId = ctx.params.userId ?? "";
    // Adding time for another user needs owner/admin; a member may still name themself here.
    assertMayActFor(ctx, userId, "add time entries");
    assertMayAddTimeFor(ctx.ws, ctx.user.id, userId);
    return created(timeEntryDto(createEntry(ctx.store, ctx.ws, userId, input, ruled(ctx))));
  }),

  workspaceRoute("PATCH", USER_ENTRIES, (ctx) => {
    const { end } = parseBody(stopTimerBody, ctx.body);
    const userId = ctx.params.userId ?? "";
    assertMayActFor(ctx, userId, "stop timers");
    return ok(timeEntryDto(stopTimer(ctx.store, ctx.ws, userId, end, { emit: true })));
  }),

  // Bulk delete (spec deleteMany): 200 with the deleted entries. The ids come repeated or comma-separated.
  workspaceRoute("DELETE", USER_ENTRIES, (ctx) => {
    const userId = ctx.params.userId ?? "";
    const ids = list(ctx.query, "time-entry-ids");
    if (!ids || ids.length === 0) throw badRequest("Required request parameter 'time-entry-ids' is not present");
    assertMayActFor(ctx, userId, "delete time entries");
    return ok(deleteEntries(ctx.store, ctx.ws, userId, ids, ruled(ctx)).map(timeEntryDto));
  }),

  workspaceRoute("GET", ENTRY, (ctx) => {
    const entry = entryOf(ctx);
    assertMayActFor(ctx, entry.userId, "see time entries");
    return ok(view(ctx.ws, entry, flag(ctx.query, "hydrated")));
  }),

  workspaceRoute("PUT", ENTRY, (ctx) => {
    const entry = entryOf(ctx);
    assertMayActFor(ctx, entry.userId, "edit time entries");
    assertNotApproved(ctx.ws, entry.id);
    const input = parseBody(updateEntryBody, ctx.body);
    return ok(timeEntryDto(replaceEntry(ctx.store, ctx.ws, entry.id, input, ruled(ctx))));
  }),

  workspaceRoute("DELETE", ENTRY, (ctx) => {
    const entry = entryOf(ctx);
    assertMayActFor(ctx, entry.userId, "delete time entries");
    assertNotApproved(ctx.ws, entry.id);
    assertNotLocked(ctx.ws, ctx.role, entry.start);
    deleteEntry(ctx.store, ctx.ws, entry.id, { emit: true });
    return { status: 204 };
  }),
];
