import Foundation
import Testing

extension FlowtopBinaryTests {
@Suite("flowtop run")
struct RunCommandTests {
    @Test func plainShowsBothAgentsTheToolCallAndThePoem() async throws {
        let result = try await FlowtopBinary.run(["run", "--plain", "Research the weather in Seattle and write a short poem about it"])
        #expect(result.status == 0)
        let lines = result.stdout.components(separatedBy: "\n")
        #expect(lines.first?.hasPrefix("▶ research-writer · scripted flowtop-scripted · run_") == true)
        for expected in ["[Researcher]", "⚙ get_weather({\"location\":\"Seattle\"})", "  ↳ get_weather: Seattle:",
                         "── Researcher → Writer · next in sequence ──", "[Writer]", "**Seattle,", "✔ completed in"] {
            #expect(result.stdout.contains(expected), "missing \(expected)")
        }
        #expect(result.stdout.range(of: "[Researcher]")!.lowerBound < result.stdout.range(of: "[Writer]")!.lowerBound)
    }

    @Test func jsonIsOneWireEventPerLine() async throws {
        let result = try await FlowtopBinary.run(["run", "--json", "-w", "handoff", "Weather in Lima?"])
        #expect(result.status == 0)
        let objects = try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects.first?["type"] as? String == "workflow_started")
        #expect(objects.last?["type"] as? String == "done")
        #expect(objects.map { $0["seq"] as? Int } == Array(1...objects.count))
        #expect(objects.contains { $0["type"] as? String == "agent_transition" && $0["to"] as? String == "Weather" })
    }

    @Test func unknownWorkflowListsThePresets() async throws {
        let result = try await FlowtopBinary.run(["run", "-w", "nope", "hello"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no preset or file of that name; presets: approval, concurrent, group-chat, handoff, research-writer"))
    }

    @Test func badWorkflowFileNamesFileAndLine() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("name: x\nkind: sequential\nagents:\n  - name: A\n    instructions: hi\n    tools: [fly]\n".utf8).write(to: file)
        let result = try await FlowtopBinary.run(["run", "-w", file.path, "hello"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file.path):6:13: unknown tool \"fly\" for A"))
    }

    @Test func sigtermCancelsTheRunAndExitsWith143() async throws {
        let (_, result) = try await ChildProcess.withRunning(
            FlowtopBinary.url.path, ["run", "--plain", "--pace", "10", "Weather in Seattle and a poem"]
        ) { execution in
            try await Task.sleep(for: .seconds(1))
            try execution.send(signal: .terminate)
        }
        #expect(result.status == 143, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stderr.contains("cancelled"))
        #expect(result.stdout.contains("■ cancelled"))
    }
}
}
