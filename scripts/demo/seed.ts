/**
 * Seeds the demo dataset through the public REST API, as the admin, so that it goes through the same
 * validation, permissions and events as real use. Idempotent: everything is looked up before it is
 * created, so running it again creates nothing new.
 */
import { DEMO_PASSWORD, demo } from './data.js';

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Named {
  id: string;
  name: string;
}

export interface SeedReport {
  created: number;
  /** What was created, for the log. */
  createdWhat: string[];
  existing: number;
  logins: { who: string; username: string; password: string }[];
}

class Api {
  constructor(
    private readonly baseUrl: string,
    private token = '',
  ) {}

  async login(username: string, password: string): Promise<void> {
    const body = await this.call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
      username,
      password,
    });
    this.token = body.accessToken;
  }

  /** Calls the API; returns null for the given "already exists" status instead of throwing. */
  async call<T>(method: string, path: string, body?: unknown, okIfStatus?: number): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (okIfStatus !== undefined && response.status === okIfStatus) return null as T;
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page: Page<T> = await this.call(
        'GET',
        `${path}${sep}limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }
}

export async function seedDemo(
  baseUrl: string,
  admin: { username: string; password: string },
): Promise<SeedReport> {
  const api = new Api(baseUrl);
  await api.login(admin.username, admin.password);
  const report: SeedReport = { created: 0, createdWhat: [], existing: 0, logins: [] };

  const created = (what: string) => {
    report.created++;
    report.createdWhat.push(what);
  };

  async function ensure<T extends { id: string }>(
    what: string,
    find: () => Promise<T | undefined>,
    create: () => Promise<T>,
  ): Promise<T> {
    const found = await find();
    if (found) {
      report.existing++;
      return found;
    }
    created(what);
    return create();
  }

  const byName = <T extends Named>(items: T[], name: string) => items.find((i) => i.name === name);

  async function user(username: string, displayName: string, mobile: string): Promise<string> {
    const found = await api.all<{ id: string; username: string | null }>(
      `/api/v1/users?q=${encodeURIComponent(username)}`,
    );
    const existing = found.find((u) => u.username === username);
    if (existing) {
      report.existing++;
      return existing.id;
    }
    created(`user ${username}`);
    const doc = await api.call<{ id: string }>('POST', '/api/v1/users', {
      username,
      displayName,
      mobile,
      password: DEMO_PASSWORD,
    });
    return doc.id;
  }

  /** Adds a person to a set (member, staff, worker…) unless already there. */
  async function add(
    path: string,
    body: { userId: string } & Record<string, unknown>,
    listPath?: string,
  ): Promise<void> {
    if (listPath) {
      const present = await api.call<{ items: { userId: string }[] }>('GET', listPath);
      if (present.items.some((p) => p.userId === body.userId)) {
        report.existing++;
        return;
      }
    }
    const result = await api.call<unknown>('POST', path, body, 409);
    if (result === null) report.existing++;
    else created(path);
  }

  const committee = await ensure(
    'committee',
    async () =>
      byName(
        await api.all<Named>(`/api/v1/committees?q=${encodeURIComponent(demo.committee)}`),
        demo.committee,
      ),
    () => api.call<Named>('POST', '/api/v1/committees', { name: demo.committee }),
  );

  for (const b of demo.branches) {
    const branch = await ensure(
      `branch ${b.name}`,
      async () => byName(await api.all<Named>(`/api/v1/branches?committeeId=${committee.id}`), b.name),
      () =>
        api.call<Named>('POST', '/api/v1/branches', {
          committeeId: committee.id,
          name: b.name,
          virtual: true,
          industries: [...b.industries],
          regions: [...b.regions],
        }),
    );
    const existingGroups = await api.all<Named>(`/api/v1/branches/${branch.id}/groups`);
    const groups: Named[] = [];
    for (const name of b.groups) {
      groups.push(
        await ensure(
          `group ${name}`,
          async () => byName(existingGroups, name),
          () => api.call<Named>('POST', `/api/v1/branches/${branch.id}/groups`, { name }),
        ),
      );
    }
    for (const m of b.members) {
      const userId = await user(m.username, m.displayName, m.mobile);
      await add(`/api/v1/branches/${branch.id}/members`, {
        userId,
        role: m.role,
        status: m.status,
        employer: m.employer,
        industry: m.industry,
        region: m.region,
        groupId: groups[m.group]?.id ?? null,
      });
      if (m.role === 'secretary' || m.username.endsWith('04')) {
        report.logins.push({
          who: `${b.name} ${m.role === 'secretary' ? '书记' : '党员'} ${m.displayName}`,
          username: m.username,
          password: DEMO_PASSWORD,
        });
      }
    }
  }

  const departments = await api.all<Named>('/api/v1/departments');
  const departmentIds: Record<string, string> = {};
  for (const d of demo.departments) {
    const department = await ensure(
      `department ${d.name}`,
      async () => byName(departments, d.name),
      () => api.call<Named>('POST', '/api/v1/departments', { name: d.name, description: d.description }),
    );
    departmentIds[d.name] = department.id;
    for (const [username, displayName, mobile] of d.staff) {
      const userId = await user(username, displayName, mobile);
      await add(
        `/api/v1/departments/${department.id}/staff`,
        { userId },
        `/api/v1/departments/${department.id}/staff`,
      );
      report.logins.push({ who: `${d.name} 工作人员`, username, password: DEMO_PASSWORD });
    }
  }

  for (const l of demo.lawyers) {
    const userId = await user(l.username, l.displayName, l.mobile);
    await add('/api/v1/lawyers', { userId, firm: l.firm, specialties: [...l.specialties] });
  }
  report.logins.push({ who: '志愿律师', username: demo.lawyers[0].username, password: DEMO_PASSWORD });

  const grids = await api.all<Named>(`/api/v1/grids?committeeId=${committee.id}`);
  const gridIds: string[] = [];
  for (const g of demo.grids) {
    const [leaderName, leaderDisplay, leaderMobile] = g.leader;
    const leaderId = await user(leaderName, leaderDisplay, leaderMobile);
    const grid = await ensure(
      `grid ${g.name}`,
      async () => byName(grids, g.name),
      () =>
        api.call<Named>('POST', '/api/v1/grids', {
          name: g.name,
          committeeId: committee.id,
          area: g.area,
          leaderId,
        }),
    );
    gridIds.push(grid.id);
    for (const [name, display, mobile] of g.workers) {
      const path = `/api/v1/grids/${grid.id}/workers`;
      await add(path, { userId: await user(name, display, mobile) }, path);
    }
  }
  report.logins.push({ who: '网格员', username: demo.grids[0].workers[0][0], password: DEMO_PASSWORD });

  // Routing rules: category (× keywords) → department; the community committee is the fallback unit (兜底).
  const rules = await api.call<{ items: { category: string; departmentId: string; keywords: string[] }[] }>(
    'GET',
    '/api/v1/grid/rules',
  );
  const wanted = [
    { priority: 10, category: 'hazard', keywords: [], department: '区应急管理局' },
    { priority: 20, category: 'hazard', keywords: ['占道', '违建', '垃圾'], department: '区城市管理局' },
    { priority: 10, category: 'dispute', keywords: [], department: '街道司法所' },
    { priority: 10, category: 'opinion', keywords: [], department: '社区居委会' },
  ];
  for (const rule of wanted) {
    const departmentId = departmentIds[rule.department]!;
    const exists = rules.items.some(
      (r) =>
        r.category === rule.category &&
        r.departmentId === departmentId &&
        r.keywords.join() === rule.keywords.join(),
    );
    if (exists) {
      report.existing++;
      continue;
    }
    created(`rule ${rule.category} → ${rule.department}`);
    await api.call('POST', '/api/v1/grid/rules', {
      priority: rule.priority,
      category: rule.category,
      gridIds: [],
      keywords: rule.keywords,
      departmentId,
      enabled: true,
    });
  }
  await api.call('PUT', '/api/v1/grid/routing-settings', {
    fallbackDepartmentId: departmentIds[demo.departments[3].name],
  });

  for (const [username, displayName, mobile] of demo.residents) {
    const found = await api.all<{ username: string | null }>(`/api/v1/users?q=${username}`);
    if (found.some((u) => u.username === username)) report.existing++;
    else {
      created(`resident ${username}`);
      await new Api(baseUrl).call('POST', '/api/v1/auth/register', {
        username,
        displayName,
        mobile,
        password: DEMO_PASSWORD,
      });
    }
    report.logins.push({ who: '居民', username, password: DEMO_PASSWORD });
  }
  return report;
}
