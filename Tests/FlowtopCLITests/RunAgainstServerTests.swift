import Foundation
import LoopbackHTTP
import Testing

/// `flowtop run` against a real OpenAI-compatible HTTP server on loopback.
extension FlowtopBinaryTests {
@Suite("flowtop run with a provider")
struct RunAgainstServerTests {
    static func chunk(_ delta: String) -> ScriptedResponse.Step {
        .bytes(Array("data: {\"choices\":[{\"index\":0,\"delta\":{\(delta)},\"finish_reason\":null}]}\n\n".utf8))
    }

    @Test func plainRunStreamsTheServersTextForEachAgent() async throws {
        let server = LoopbackServer { request in
            let isWriter = request.bodyText.contains("Write creative content")
            let words = isWriter ? ["Rain", " on", " the", " Sound."] : ["Seattle", " is", " wet."]
            var steps: [ScriptedResponse.Step] = [Self.chunk("\"role\":\"assistant\"")]
            steps += words.map { Self.chunk("\"content\":\"\($0)\"") }
            steps.append(.bytes(Array("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":4}}\n\ndata: [DONE]\n\n".utf8)))
            return .eventStream(steps)
        }
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "run", "--plain", "--provider", "openai-compatible", "--base-url", server.baseURL + "/v1", "--model", "tiny",
            "Research the weather in Seattle and write a short poem about it",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("openai-compatible tiny at \(server.baseURL)/v1"))
        #expect(result.stdout.contains("[Researcher]\nSeattle is wet."))
        #expect(result.stdout.contains("[Writer]\nRain on the Sound."))
        #expect(result.stdout.contains("tokens (in 40, out 8)"))
        let bodies = server.requests.map(\.bodyText)
        try #require(bodies.count == 2)
        #expect(bodies[0].contains("\"get_weather\""))
        #expect(bodies[1].contains("[Researcher] Seattle is wet."))
    }

    @Test func emptyBodyFromTheServerFailsTheRunWithItsName() async throws {
        let server = LoopbackServer(responses: [.eventStream([])])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run([
            "run", "--plain", "--provider", "llamacpp", "--base-url", server.baseURL + "/v1", "Weather in Oslo",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.contains("✘ failed:"))
        #expect(result.stdout.contains(server.baseURL))
        #expect(result.stdout.contains("empty event stream"))
    }

    @Test func missingKeyIsAClearErrorWithoutAStackTrace() async throws {
        let result = try await FlowtopBinary.run(["run", "--provider", "openai", "hello"], environment: ["OPENAI_API_KEY": nil])
        #expect(result.status == 1)
        #expect(result.stderr.contains("OPENAI_API_KEY is not set"))
    }
}
}
