import type { ClockifyClient } from "../clockify/client.js";
import type { Project, Tag, Task } from "../clockify/schemas.js";
import { monotonic } from "../clock.js";

/**
 * Names → ids in one workspace, cached, because the mirror matches projects, tasks and tags by name and
 * an API read per event would double its cost. A miss refreshes once (someone may have just created
 * the thing), at most every `minRefreshMs`, so a name that does not exist cannot cause a read storm.
 */
export class WorkspaceCatalog {
  private projects: Project[] | undefined;
  private projectsAt = Number.NEGATIVE_INFINITY;
  private tags: Tag[] | undefined;
  private tagsAt = Number.NEGATIVE_INFINITY;
  private readonly tasks = new Map<string, { at: number; tasks: Task[] }>();

  constructor(
    private readonly client: ClockifyClient,
    readonly workspaceId: string,
    private readonly minRefreshMs = 10_000,
  ) {}

  async projectsNamed(name: string): Promise<Project[]> {
    const find = () => (this.projects ?? []).filter((p) => p.name === name);
    if (!this.projects) await this.loadProjects();
    if (find().length === 0 && monotonic() - this.projectsAt >= this.minRefreshMs) await this.loadProjects();
    return find();
  }

  async projectById(id: string): Promise<Project | undefined> {
    if (!this.projects) await this.loadProjects();
    return this.projects?.find((p) => p.id === id);
  }

  /** The workspace's tags of that name, archived ones included: an archived tag is matched, not duplicated. */
  async tagsNamed(name: string): Promise<Tag[]> {
    const find = () => (this.tags ?? []).filter((t) => t.name === name);
    if (!this.tags || (find().length === 0 && monotonic() - this.tagsAt >= this.minRefreshMs)) await this.loadTags();
    return find();
  }

  /** The project's tasks of that name, DONE ones included (the listing's default). */
  async tasksNamed(projectId: string, name: string): Promise<Task[]> {
    let cached = this.tasks.get(projectId);
    const find = () => (cached?.tasks ?? []).filter((t) => t.name === name);
    if (!cached || (find().length === 0 && monotonic() - cached.at >= this.minRefreshMs)) {
      cached = { at: monotonic(), tasks: await this.client.listTasks(this.workspaceId, projectId) };
      this.tasks.set(projectId, cached);
    }
    return find();
  }

  /** After the service created a tag: the next entry finds it without a listing. */
  rememberTag(tag: Tag): void {
    if (this.tags) this.tags = [...this.tags.filter((t) => t.id !== tag.id), tag];
  }

  rememberTask(projectId: string, task: Task): void {
    const cached = this.tasks.get(projectId);
    if (cached) cached.tasks = [...cached.tasks.filter((t) => t.id !== task.id), task];
  }

  /** A create was refused or lost its answer: the next look lists again, whatever the throttle says. */
  invalidateTags(): void {
    this.tags = undefined;
  }

  invalidateTasks(projectId: string): void {
    this.tasks.delete(projectId);
  }

  /** A fresh full listing from elsewhere (a reconciliation run): no need to list again. */
  prime(projects: Project[]): void {
    this.projects = [...projects];
    this.projectsAt = monotonic();
  }

  /** After the service created or learned of a project: no need to list again. */
  rememberProject(project: Project): void {
    if (!this.projects) return;
    this.projects = [...this.projects.filter((p) => p.id !== project.id), project];
  }

  /** A project event says the list is stale. */
  invalidateProjects(): void {
    this.projects = undefined;
  }

  private async loadTags(): Promise<void> {
    // The tag listing leaves archived tags out unless asked (the spec's default is archived=false).
    const [active, archived] = await Promise.all([
      this.client.listTags(this.workspaceId, { archived: false }),
      this.client.listTags(this.workspaceId, { archived: true }),
    ]);
    this.tags = [...active, ...archived];
    this.tagsAt = monotonic();
  }

  private async loadProjects(): Promise<void> {
    this.projects = await this.client.listProjects(this.workspaceId);
    this.projectsAt = monotonic();
  }
}
