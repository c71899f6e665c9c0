import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

// The GITOPS_* variables, checked together at start-up.

const problem = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the configuration was accepted");
};

describe("GitOps hand-off configuration", () => {
  it("without GITOPS_REMOTE_URL there is no remote, and the review variables are refused", () => {
    expect(loadConfig({}).gitopsRemote).toBeNull();
    expect(problem({ GITOPS_TOKEN: "t", GITOPS_PROVIDER: "github" })).toMatch(
      /GITOPS_PROVIDER: needs GITOPS_REMOTE_URL.*GITOPS_TOKEN: needs GITOPS_REMOTE_URL/,
    );
    expect(problem({ GITOPS_REPOSITORY: "acme/infra" })).toContain("GITOPS_REPOSITORY: needs GITOPS_REMOTE_URL");
  });

  it("a remote alone pushes with defaults; provider, token and repository open reviews", () => {
    expect(loadConfig({ GITOPS_REMOTE_URL: "git@github.com:acme/infra.git" }).gitopsRemote).toEqual({
      url: "git@github.com:acme/infra.git",
      baseBranch: "main",
      branchPrefix: "atlas/",
      review: null,
    });
    const github = loadConfig({
      GITOPS_REMOTE_URL: "https://github.com/acme/infra.git",
      GITOPS_PROVIDER: "github",
      GITOPS_TOKEN: "t",
      GITOPS_REPOSITORY: "acme/infra",
    });
    expect(github.gitopsRemote?.review).toEqual({ provider: "github", token: "t", apiUrl: "https://api.github.com", repository: "acme/infra" });
    const gitlab = loadConfig({
      GITOPS_REMOTE_URL: "https://gitlab.example.com/infra/live.git",
      GITOPS_PROVIDER: "gitlab",
      GITOPS_TOKEN: "t",
      GITOPS_REPOSITORY: "infra/live",
      GITOPS_API_URL: "https://gitlab.example.com/api/v4/",
      GITOPS_BASE_BRANCH: "production",
      GITOPS_BRANCH_PREFIX: "changes/atlas-",
    });
    expect(gitlab.gitopsRemote).toMatchObject({
      baseBranch: "production",
      branchPrefix: "changes/atlas-",
      review: { apiUrl: "https://gitlab.example.com/api/v4" },
    });
    expect(
      loadConfig({ GITOPS_REMOTE_URL: "/srv/infra.git", GITOPS_PROVIDER: "gitlab", GITOPS_TOKEN: "t", GITOPS_REPOSITORY: "4711" }).gitopsRemote?.review?.apiUrl,
    ).toBe("https://gitlab.com/api/v4");
  });

  it("refuses half a review setup, naming the variable, and never prints the token", () => {
    const remote = { GITOPS_REMOTE_URL: "https://github.com/acme/infra.git" };
    expect(problem({ ...remote, GITOPS_TOKEN: "secret-token-1" })).toContain("GITOPS_TOKEN: needs GITOPS_PROVIDER");
    expect(problem({ ...remote, GITOPS_TOKEN: "secret-token-1" })).not.toContain("secret-token-1");
    expect(problem({ ...remote, GITOPS_PROVIDER: "github", GITOPS_REPOSITORY: "acme/infra" })).toContain("GITOPS_PROVIDER: needs GITOPS_TOKEN");
    expect(problem({ ...remote, GITOPS_PROVIDER: "github", GITOPS_TOKEN: "t" })).toContain("GITOPS_REPOSITORY: required with GITOPS_PROVIDER=github");
    expect(problem({ ...remote, GITOPS_PROVIDER: "github", GITOPS_TOKEN: "t", GITOPS_REPOSITORY: "infra" })).toContain("GitHub repositories are owner/name");
    expect(problem({ ...remote, GITOPS_PROVIDER: "gitlab", GITOPS_TOKEN: "t", GITOPS_REPOSITORY: "infra live" })).toContain("GITOPS_REPOSITORY=");
    expect(problem({ ...remote, GITOPS_PROVIDER: "bitbucket" })).toContain("GITOPS_PROVIDER");
    expect(problem({ ...remote, GITOPS_API_URL: "https://api.github.com" })).toContain("GITOPS_API_URL: needs GITOPS_PROVIDER");
    expect(problem({ ...remote, GITOPS_BASE_BRANCH: "main..x" })).toContain("GITOPS_BASE_BRANCH");
    expect(problem({ ...remote, GITOPS_BRANCH_PREFIX: "/atlas" })).toContain("GITOPS_BRANCH_PREFIX");
  });
});
