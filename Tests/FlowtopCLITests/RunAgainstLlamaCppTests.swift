import Foundation
import LoopbackHTTP
import Testing

/// The issue's scenario end to end: the real binary against a loopback server that behaves like llama.cpp with a
/// 2,048-token context (generates until its cap or a full context, reports no usage, answers an overflowing
/// request with an empty 200).
extension FlowtopBinaryTests {
@Suite("flowtop run against a llama.cpp-like server")
struct RunAgainstLlamaCppTests {
    static let prompt = "Research the weather in Seattle and write a short poem about it"

    /// Runs `run --plain` with `extra` arguments against a fresh imitation; returns the output and the bodies sent.
    static func run(_ extra: [String] = [], workflow: String? = nil) async throws -> (FlowtopBinary.Result, [String]) {
        let server = LoopbackServer(handler: LlamaCppImitation().respond)
        try await server.start()
        defer { Task { await server.shutdown() } }
        var arguments = [
            "run", "--plain", "--provider", "openai-compatible", "--base-url", server.baseURL + "/v1", "--model", "gemma-3-270m",
        ]
        if let workflow { arguments += ["--workflow", workflow] }
        let result = try await FlowtopBinary.run(arguments + extra + [Self.prompt])
        return (result, server.requests.map(\.bodyText))
    }

    @Test func theDefaultResearchWriterCompletesBothAgentsWithEstimatedTokens() async throws {
        let (result, bodies) = try await Self.run()
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("[Researcher]\n⚙ get_weather("))
        #expect(result.stdout.contains("[Writer]\nSeattle is grey"))
        #expect(result.stdout.contains("✔ completed"))
        // llama.cpp sent no usage: the figure is flowtop's count, marked as such, and never 0.
        let summary = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("✔ completed") })
        #expect(summary.contains(" · ~"))
        #expect(summary.contains(", estimated)"))
        #expect(!summary.contains("~0 tokens"))
        // Researcher: the tool call, then its answer; Writer: one answer. Each capped by the preset.
        try #require(bodies.count == 3)
        for body in bodies { #expect(body.contains(#""max_tokens":400"#), "\(body.prefix(300))") }
    }

    @Test func anAgentThatHitsTheCapSaysSo() async throws {
        let (result, bodies) = try await Self.run(["--max-tokens", "50"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let writer = try #require(result.stdout.components(separatedBy: "[Writer]\n").last)
        #expect(writer.contains("\n⚠ stopped at the token cap (max_tokens 50)\n"))
        #expect(result.stdout.components(separatedBy: "⚠ stopped at the token cap (max_tokens 50)").count == 3)
        #expect(bodies.allSatisfy { $0.contains(#""max_tokens":50"#) })
    }

    @Test func aWorkflowWithoutACapOverflowsTheContextAsTheIssueReported() async throws {
        // The preset as it was before it had a cap: its file without the `defaults:` block.
        let preset = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("workflows/research-writer.yaml")
        let uncapped = try String(contentsOf: preset, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("defaults:") && !$0.hasPrefix("  max_tokens:") }.joined(separator: "\n")
        #expect(!uncapped.contains("max_tokens"))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("uncapped-\(UUID().uuidString).yaml")
        try uncapped.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let (result, bodies) = try await Self.run(workflow: file.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("empty event stream"))
        #expect(bodies.count == 3)
        #expect(!bodies.contains { $0.contains("max_tokens") })
    }

    @Test func theScriptedDemoShowsTheCapOffline() async throws {
        let result = try await FlowtopBinary.run(["demo", "--plain", "--pace", "instant", "--max-tokens", "5"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[Writer]\n"))
        #expect(result.stdout.contains("⚠ stopped at the token cap (max_tokens 5)"))
    }

    @Test func aBadTemperatureFlagIsAClearError() async throws {
        let result = try await FlowtopBinary.run(["demo", "--plain", "--temperature", "3"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--temperature must be a number from 0 to 2, not 3.0"))
    }

    @Test func aBadMaxTokensFlagIsAClearError() async throws {
        let result = try await FlowtopBinary.run(["run", "--plain", "--max-tokens", "0", "hello"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--max-tokens must be a whole number from 1 to 1000000, not 0"))
    }
}
}
