import { describe, expect, it } from "vitest";
import { dockerEndpoint } from "./docker-endpoint.js";

describe("dockerEndpoint", () => {
  it("reads unix sockets, bare socket paths and tcp endpoints", () => {
    expect(dockerEndpoint("unix:///tmp/assay-podman/podman.sock")).toEqual({
      socketPath: "/tmp/assay-podman/podman.sock",
    });
    expect(dockerEndpoint("/var/run/docker.sock")).toEqual({ socketPath: "/var/run/docker.sock" });
    expect(dockerEndpoint("tcp://10.0.0.5:2375")).toEqual({ protocol: "http", host: "10.0.0.5", port: 2375 });
    expect(dockerEndpoint("tcp://docker")).toEqual({ protocol: "http", host: "docker", port: 2375 });
  });

  it("refuses what it cannot connect to", () => {
    expect(() => dockerEndpoint("ssh://user@host")).toThrow(/unsupported DOCKER_HOST/);
  });
});
