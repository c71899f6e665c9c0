import { describe, expect, it } from "vitest";
import { settleComponentNames } from "./component-names.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe("settleComponentNames", () => {
  it("gives each schema one name where its request and response forms agree or only one is used", () => {
    const document = {
      paths: {
        "/a": {
          post: {
            requestBody: { content: { "application/json": { schema: ref("RequestInput") } } },
            responses: { 200: { content: { "application/json": { schema: ref("Both") } } } },
          },
        },
        "/b": {
          put: {
            requestBody: { content: { "application/json": { schema: ref("BothInput") } } },
            responses: { 200: { content: { "application/json": { schema: ref("Same") } } } },
          },
        },
      },
      components: {
        schemas: {
          RequestInput: { type: "object", properties: { same: ref("SameInput") } },
          Request: { type: "object", properties: { same: ref("Same") }, required: ["same"] },
          BothInput: { type: "object" },
          Both: { type: "object", additionalProperties: false },
          SameInput: { type: "string" },
          Same: { type: "string" },
          PublishedInput: { type: "object" },
          Published: { type: "object", additionalProperties: false },
          UnusedInput: { type: "number" },
          Unused: { type: "number" },
        },
      },
    };
    const settled = settleComponentNames(document, ["Request", "Both", "Same", "Published", "Unused"], ["Published"]);
    expect(Object.keys(settled.components.schemas).sort()).toEqual(["Both", "BothInput", "Published", "Request", "Same"]);
    // only requests use it: the plain name is the request form, its refs renamed along
    expect(settled.components.schemas.Request).toEqual({ type: "object", properties: { same: ref("Same") } });
    expect(settled.paths["/a"].post.requestBody.content["application/json"].schema).toEqual(ref("Request"));
    // used both ways and different: both forms stay, as the type provider names them
    expect(settled.paths["/b"].put.requestBody.content["application/json"].schema).toEqual(ref("BothInput"));
    expect(settled.components.schemas.Both).toEqual({ type: "object", additionalProperties: false });
    // a published schema nothing uses is kept, in its request form (as GET /schemas serves it)
    expect(settled.components.schemas.Published).toEqual({ type: "object" });
    expect(JSON.stringify(settled)).not.toMatch(/RequestInput|SameInput|PublishedInput/);
  });

  it("treats a pair as different when a schema it refers to differs", () => {
    const document = {
      paths: {
        "/x": {
          post: {
            requestBody: { content: { "application/json": { schema: ref("OuterInput") } } },
            responses: { 200: { content: { "application/json": { schema: ref("Outer") } } } },
          },
        },
      },
      components: {
        schemas: {
          OuterInput: { type: "object", properties: { inner: ref("InnerInput") } },
          Outer: { type: "object", properties: { inner: ref("Inner") } },
          InnerInput: { type: "object" },
          Inner: { type: "object", additionalProperties: false },
        },
      },
    };
    const settled = settleComponentNames(document, ["Outer", "Inner"], []);
    expect(Object.keys(settled.components.schemas).sort()).toEqual(["Inner", "InnerInput", "Outer", "OuterInput"]);
    expect(settled.components.schemas.OuterInput).toEqual({ type: "object", properties: { inner: ref("InnerInput") } });
  });
});
