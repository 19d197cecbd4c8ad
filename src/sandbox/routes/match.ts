import type { Route } from "./define.js";

export type RouteMatch =
  | { kind: "route"; route: Route; params: Record<string, string> }
  | { kind: "wrong-method"; template: string }
  | { kind: "none" };

interface Compiled {
  route: Route;
  pattern: RegExp;
  names: string[];
}

/** Matches request paths against spec templates like /v1/workspaces/{workspaceId}/projects. */
export class RouteMatcher {
  private readonly compiled: Compiled[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.template
        .split("/")
        .map((segment) => {
          const param = /^\{(\w[\w-]*)\}$/.exec(segment);
          if (!param?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
          names.push(param[1]);
          return "([^/]+)";
        })
        .join("/");
      return { route, pattern: new RegExp(`^${source}/?$`), names };
    });
  }

  match(method: string, path: string): RouteMatch {
    let wrongMethod: string | undefined;
    for (const c of this.compiled) {
      const m = c.pattern.exec(path);
      if (!m) continue;
      if (c.route.method !== method) {
        wrongMethod ??= c.route.template;
        continue;
      }
      const params: Record<string, string> = {};
      c.names.forEach((name, i) => {
        params[name] = safeDecode(m[i + 1] ?? "");
      });
      return { kind: "route", route: c.route, params };
    }
    return wrongMethod ? { kind: "wrong-method", template: wrongMethod } : { kind: "none" };
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
