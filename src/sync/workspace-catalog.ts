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

  async tagId(name: string): Promise<string | undefined> {
    const find = () => this.tags?.find((t) => t.name === name)?.id;
    if (!this.tags || (find() === undefined && monotonic() - this.tagsAt >= this.minRefreshMs)) {
      this.tags = await this.client.listTags(this.workspaceId);
      this.tagsAt = monotonic();
    }
    return find();
  }

  async taskId(projectId: string, name: string): Promise<string | undefined> {
    let cached = this.tasks.get(projectId);
    const find = () => cached?.tasks.find((t) => t.name === name)?.id;
    if (!cached || (find() === undefined && monotonic() - cached.at >= this.minRefreshMs)) {
      cached = { at: monotonic(), tasks: await this.client.listTasks(this.workspaceId, projectId) };
      this.tasks.set(projectId, cached);
    }
    return find();
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

  private async loadProjects(): Promise<void> {
    this.projects = await this.client.listProjects(this.workspaceId);
    this.projectsAt = monotonic();
  }
}
