import type { Simulator } from "../sandbox/index.js";

/** The demo's two workspaces and the people and projects in them. */
export interface DemoWorld {
  sim: Simulator;
  userId: string;
  apiKey: string;
  source: { workspaceId: string; clientId: string; websiteProjectId: string };
  destination: { workspaceId: string };
}

export interface DemoStep {
  /** What the user does, in their words. */
  action: string;
  /** What the mirror should make of it. */
  expect: string;
  run(): void;
  /** True once the destination (or the source, for projects) shows the effect. */
  landed(): boolean;
  /** The effect is that nothing happens: judged once every delivery has been applied. */
  nothing?: true;
}

export function seedDemoWorld(sim: Simulator): DemoWorld {
  const { world } = sim;
  const ada = world.addUser({ name: "Ada Lovelace", email: "ada@agency.example" });
  const agency = world.addWorkspace({ name: "Agency", ownerId: ada.id, plan: "PRO" });
  const customer = world.addWorkspace({ name: "Customer", ownerId: ada.id, plan: "PRO" });
  const client = world.addClient(agency.id, { name: "Customer Co" });
  const other = world.addClient(agency.id, { name: "Another customer" });
  const website = world.addProject(agency.id, { name: "Website", clientId: client.id, color: "#2196F3" });
  world.addProject(agency.id, { name: "Internal", clientId: other.id });
  world.addProject(customer.id, { name: "Website", color: "#4CAF50" });
  return {
    sim,
    userId: ada.id,
    apiKey: ada.apiKey,
    source: { workspaceId: agency.id, clientId: client.id, websiteProjectId: website.id },
    destination: { workspaceId: customer.id },
  };
}

/** "hh:mm" of `day` as Clockify writes instants. */
function clockOn(day: Date): (hh: number, mm?: number) => string {
  return (hh, mm = 0) =>
    new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hh, mm)).toISOString().replace(/\.000Z$/, "Z");
}

/** What the steps of a demo day share: the world, both workspaces, the day's clock, the copies. */
function dayContext(w: DemoWorld, day: Date) {
  const { world } = w.sim;
  const dst = w.destination.workspaceId;
  const copies = () => world.listTimeEntries(dst);
  return {
    w,
    world,
    src: w.source.workspaceId,
    dst,
    at: clockOn(day),
    copies,
    copy: (description: string) => copies().find((e) => e.description === description),
    emit: { emit: true },
  };
}
type DayContext = ReturnType<typeof dayContext>;

/** A working day in the agency workspace, as Clockify webhooks would report it. */
export function demoDay(w: DemoWorld, day: Date = new Date()): DemoStep[] {
  const context = dayContext(w, day);
  return [...morning(context), ...afternoon(context)];
}

function morning({ w, world, src, at, copies, copy, emit }: DayContext): DemoStep[] {
  let manualId = "";
  return [
    {
      action: "Ada starts a timer on Website: \"Stand-up\"",
      expect: "nothing yet (running timers are not mirrored)",
      run: () => void world.createTimeEntry(src, w.userId, { start: at(9), description: "Stand-up", projectId: w.source.websiteProjectId }, emit),
      landed: () => copies().length === 0,
      nothing: true,
    },
    {
      action: "Ada stops the timer",
      expect: "copy created in Customer",
      run: () => void world.stopTimer(src, w.userId, at(9, 15), emit),
      landed: () => copy("Stand-up")?.timeInterval.end === at(9, 15),
    },
    {
      action: "Ada adds a manual entry 10:00–12:00 \"Homepage design\"",
      expect: "copy created",
      run: () => {
        manualId = world.createTimeEntry(
          src,
          w.userId,
          { start: at(10), end: at(12), description: "Homepage design", projectId: w.source.websiteProjectId, billable: true },
          emit,
        ).id;
      },
      landed: () => copy("Homepage design")?.billable === true,
    },
    {
      action: "Ada edits it: until 12:30, \"Homepage design + review\"",
      expect: "copy updated in place",
      run: () =>
        void world.updateTimeEntry(
          src,
          manualId,
          { start: at(10), end: at(12, 30), description: "Homepage design + review", projectId: w.source.websiteProjectId, billable: true },
          emit,
        ),
      landed: () => copy("Homepage design + review")?.timeInterval.end === at(12, 30) && !copy("Homepage design"),
    },
  ];
}

function afternoon({ w, world, src, dst, at, copy, emit }: DayContext): DemoStep[] {
  let mistakeId = "";
  return [
    {
      action: "Ada logs 13:00–13:30 \"Oops, wrong day\"",
      expect: "copy created",
      run: () => {
        mistakeId = world.createTimeEntry(
          src,
          w.userId,
          { start: at(13), end: at(13, 30), description: "Oops, wrong day", projectId: w.source.websiteProjectId },
          emit,
        ).id;
      },
      landed: () => copy("Oops, wrong day") !== undefined,
    },
    {
      action: "Ada deletes that entry",
      expect: "copy deleted",
      run: () => void world.deleteTimeEntry(src, mistakeId, emit),
      landed: () => copy("Oops, wrong day") === undefined,
    },
    {
      action: "The customer creates a project \"Mobile app\" in Customer",
      expect: "project created in Agency under Customer Co",
      run: () => void world.addProject(dst, { name: "Mobile app" }, emit),
      landed: () => world.listProjects(src).some((p) => p.name === "Mobile app" && p.clientId === w.source.clientId),
    },
    {
      action: "Ada tracks 14:00–16:00 \"Kick-off\" on the new Mobile app project",
      expect: "copy created on Customer's Mobile app",
      run: () => {
        const project = world.listProjects(src).find((p) => p.name === "Mobile app");
        world.createTimeEntry(src, w.userId, { start: at(14), end: at(16), description: "Kick-off", projectId: project?.id ?? null }, emit);
      },
      landed: () => {
        const mobile = world.listProjects(dst).find((p) => p.name === "Mobile app");
        return copy("Kick-off")?.projectId === mobile?.id;
      },
    },
    {
      action: "Ada logs 16:00–17:00 \"Internal meeting\" for another client",
      expect: "nothing (another client's work stays in Agency)",
      run: () => {
        const internal = world.listProjects(src).find((p) => p.name === "Internal");
        world.createTimeEntry(src, w.userId, { start: at(16), end: at(17), description: "Internal meeting", projectId: internal?.id ?? null }, emit);
      },
      landed: () => copy("Internal meeting") === undefined,
      nothing: true,
    },
  ];
}

/** What the destination must hold at the end of the day: description → [start, end]. */
export function expectedEndOfDay(day: Date = new Date()): Map<string, [string, string]> {
  const at = clockOn(day);
  return new Map([
    ["Stand-up", [at(9), at(9, 15)]],
    ["Homepage design + review", [at(10), at(12, 30)]],
    ["Kick-off", [at(14), at(16)]],
  ]);
}
