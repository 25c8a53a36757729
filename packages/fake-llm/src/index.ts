export { FakeLlmServer, type RecordedRequest } from "./fake-llm-server.js";
export { type FakeReply, message, status } from "./replies.js";
