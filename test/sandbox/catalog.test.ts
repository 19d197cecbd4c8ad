import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startWorld } from "./helpers.js";
import type { ErrorBody, TestWorld } from "./helpers.js";

let w: TestWorld;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.sim.close();
});

interface ProjectBody {
  id: string;
  name: string;
  clientId: string;
  clientName: string;
  archived: boolean;
  color: string;
  public: boolean;
}

describe("projects", () => {
  it("creates a project with clientId and clientName and finds it with a strict name search", async () => {
    const client = w.sim.world.addClient(w.ws, { name: "Customer Co" });
    const created = await call<ProjectBody>(w.sim, w.member.apiKey, "POST", `/workspaces/${w.ws}/projects`, {
      name: "Website",
      clientId: client.id,
      color: "#00AA11",
      isPublic: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Website", clientId: client.id, clientName: "Customer Co", color: "#00AA11", public: true });
    const found = await call<ProjectBody[]>(
      w.sim,
      w.member.apiKey,
      "GET",
      `/workspaces/${w.ws}/projects?name=website&strict-name-search=true&clients=${client.id}`,
    );
    expect(found.body.map((p) => p.id)).toEqual([created.body.id]);
  });

  it("keeps names unique per client, archived projects included, but allows the name under another client", async () => {
    const a = w.sim.world.addClient(w.ws, { name: "Client A" });
    const b = w.sim.world.addClient(w.ws, { name: "Client B" });
    w.sim.world.addProject(w.ws, { name: "Retainer", clientId: a.id, archived: true });
    const duplicate = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, {
      name: "Retainer",
      clientId: a.id,
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toEqual({ message: "Project with that name already exists", code: 501 });
    const elsewhere = await call(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: "Retainer", clientId: b.id });
    expect(elsewhere.status).toBe(201);
    const noClient = await call(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: "Retainer" });
    expect(noClient.status).toBe(201);
  });

  it("validates name length and color", async () => {
    const short = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: "X" });
    expect(short.status).toBe(400);
    const color = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects`, { name: "Colorful", color: "red" });
    expect(color.status).toBe(400);
  });

  it("filters by archived and pages the list", async () => {
    const archived = await call<ProjectBody[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/projects?archived=true`);
    expect(archived.body.length).toBeGreaterThan(0);
    expect(archived.body.every((p) => p.archived)).toBe(true);
    const page = await call<ProjectBody[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/projects?page=2&page-size=1`);
    expect(page.body).toHaveLength(1);
  });

  it("refuses to delete an active project, deletes it once archived with PUT", async () => {
    const project = w.sim.world.addProject(w.ws, { name: "Short lived" });
    const path = `/workspaces/${w.ws}/projects/${project.id}`;
    const active = await call<ErrorBody>(w.sim, w.owner.apiKey, "DELETE", path);
    expect(active.status).toBe(400);
    expect(active.body).toEqual({ message: "Cannot delete an active project", code: 501 });
    const updated = await call<ProjectBody>(w.sim, w.owner.apiKey, "PUT", path, { archived: true });
    expect(updated.body).toMatchObject({ archived: true, name: "Short lived" });
    const deleted = await call<ProjectBody>(w.sim, w.owner.apiKey, "DELETE", path);
    expect(deleted.status).toBe(200);
    expect(deleted.body.id).toBe(project.id);
    expect((await call(w.sim, w.owner.apiKey, "GET", path)).status).toBe(400);
  });
});

describe("clients, tags, tasks, users", () => {
  it("creates and lists clients, rejecting an empty name", async () => {
    const created = await call<{ id: string; name: string }>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/clients`, { name: "Fresh Client" });
    expect(created.status).toBe(201);
    const listed = await call<{ id: string }[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/clients?name=fresh`);
    expect(listed.body.map((c) => c.id)).toEqual([created.body.id]);
    const empty = await call<ErrorBody>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/clients`, { name: "" });
    expect(empty.body).toEqual({ message: "Client name is required", code: 501 });
  });

  it("creates tags and tasks and lists them", async () => {
    const tag = await call<{ id: string; archived: boolean }>(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/tags`, { name: "billing" });
    expect(tag.status).toBe(201);
    const tags = await call<{ id: string }[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/tags?name=billing&strict-name-search=true`);
    expect(tags.body.map((t) => t.id)).toEqual([tag.body.id]);
    const project = w.sim.world.addProject(w.ws, { name: "With tasks" });
    const task = await call<{ id: string; projectId: string; status: string }>(
      w.sim,
      w.owner.apiKey,
      "POST",
      `/workspaces/${w.ws}/projects/${project.id}/tasks`,
      { name: "Design" },
    );
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ projectId: project.id, status: "ACTIVE" });
    const one = await call<{ id: string }>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/projects/${project.id}/tasks/${task.body.id}`);
    expect(one.body.id).toBe(task.body.id);
    const missingName = await call(w.sim, w.owner.apiKey, "POST", `/workspaces/${w.ws}/projects/${project.id}/tasks`, {});
    expect(missingName.status).toBe(400);
  });

  it("lists workspace users with name and email filters", async () => {
    const all = await call<{ id: string }[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/users`);
    expect(all.body.map((u) => u.id).sort()).toEqual([w.owner.id, w.member.id].sort());
    const byName = await call<{ id: string }[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/users?name=max`);
    expect(byName.body.map((u) => u.id)).toEqual([w.member.id]);
    const byEmail = await call<{ id: string }[]>(w.sim, w.owner.apiKey, "GET", `/workspaces/${w.ws}/users?email=${encodeURIComponent(w.owner.email)}`);
    expect(byEmail.body.map((u) => u.id)).toEqual([w.owner.id]);
  });
});
