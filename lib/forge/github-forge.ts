// GitHub's REST API through Octokit: read an issue, open a draft pull request. Opening is safe
// to repeat: the pull request for the same head branch is looked up first, so an attempt made
// again after a crash finds the one the first attempt opened instead of opening a second.
import { Octokit } from "@octokit/rest";
import { rememberSecret } from "@/lib/redact";

export interface GithubRepository {
  owner: string;
  repo: string;
  /** The REST API's base: https://api.github.com, or <origin>/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
}

/** "https://github.com/acme/widgets(.git)" -> acme/widgets on api.github.com; other hosts are GitHub Enterprise Server. */
export function githubRepositoryOf(repositoryUrl: string): GithubRepository | null {
  let url: URL;
  try {
    url = new URL(repositoryUrl);
  } catch {
    return null;
  }
  const match = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.pathname);
  if (!match) return null;
  const apiUrl = url.hostname === "github.com" ? "https://api.github.com" : `${url.origin}/api/v3`;
  return { owner: match[1]!, repo: match[2]!, apiUrl };
}

export interface GithubIssueRef extends GithubRepository {
  number: number;
}

/** "https://github.com/acme/widgets/issues/7" -> acme/widgets #7 and its API; anything else is null. */
export function forgeIssueOf(text: string): GithubIssueRef | null {
  if (!/^https?:\/\/\S+$/.test(text.trim())) return null;
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  const match = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)\/issues\/(\d{1,9})\/?$/.exec(url.pathname);
  if (!match || url.search || url.hash || url.username || url.password) return null;
  const repository = githubRepositoryOf(`${url.origin}/${match[1]}/${match[2]}`);
  return repository ? { ...repository, number: Number(match[3]) } : null;
}

export function githubClient(params: { apiUrl: string; token?: string }): Octokit {
  if (params.token) rememberSecret(params.token);
  return new Octokit({ baseUrl: params.apiUrl, auth: params.token, userAgent: "baton", request: { retries: 0 } });
}

export interface PullRequestRef {
  number: number;
  url: string;
  draft: boolean;
  /** An earlier attempt had opened it. */
  existed: boolean;
}

export async function openDraftPullRequest(
  client: Octokit,
  params: { owner: string; repo: string; head: string; base: string; title: string; body: string },
): Promise<PullRequestRef> {
  const { owner, repo } = params;
  const open = await client.rest.pulls.list({ owner, repo, head: `${owner}:${params.head}`, state: "all", per_page: 1 });
  const found = open.data[0];
  if (found) return { number: found.number, url: found.html_url, draft: found.draft ?? false, existed: true };
  const created = await client.rest.pulls.create({ owner, repo, head: params.head, base: params.base, title: params.title, body: params.body, draft: true });
  return { number: created.data.number, url: created.data.html_url, draft: created.data.draft ?? false, existed: false };
}

export interface ForgeIssue {
  number: number;
  title: string;
  body: string;
  url: string;
}

export async function readIssue(client: Octokit, params: { owner: string; repo: string; number: number }): Promise<ForgeIssue> {
  const { data } = await client.rest.issues.get({ owner: params.owner, repo: params.repo, issue_number: params.number });
  return { number: data.number, title: data.title, body: data.body ?? "", url: data.html_url };
}
