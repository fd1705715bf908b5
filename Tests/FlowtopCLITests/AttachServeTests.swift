import Foundation
import Testing

extension FlowtopBinaryTests {
/// `flowtop attach` against a real `flowtop serve` process, in each of its formats.
@Suite("flowtop attach to flowtop serve")
struct AttachServeTests {
    static let question = "What's the weather in Tokyo right now?"

    /// Run ids, durations and token-free timings differ between two runs; the rest must not.
    static func normalised(_ text: String) -> String {
        var text = text
        for (pattern, replacement) in [
            (#"run_[0-9a-f]+"#, "RUN"), (#"\([0-9.]+ m?s\)"#, "(T)"), (#"completed in [0-9.]+ m?s"#, "completed in T"),
            (#"▶ ([^·]*)· [^·]* ·"#, "▶ $1· MODEL ·"),
        ] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    @Test func flowtopFormatShowsWhatRunShows() async throws {
        _ = try await ChildProcess.withServer(["--pace", "instant", "--workflow", "handoff"]) { port, _ in
            let url = "http://127.0.0.1:\(port)/api/workflow/stream"
            let attached = try await FlowtopBinary.run(["attach", url, "--message", Self.question, "--plain"])
            #expect(attached.status == 0, "\(attached.stderr)")
            let local = try await FlowtopBinary.run(["run", "--plain", "--workflow", "handoff", Self.question])
            #expect(Self.normalised(attached.stdout) == Self.normalised(local.stdout))
            #expect(attached.stdout.contains("── Triage → Weather"))

            let json = try await FlowtopBinary.run(["attach", url, "--message", Self.question, "--json"])
            let types = json.stdout.split(separator: "\n").compactMap { line in
                line.range(of: #""type":"[a-z_]+""#, options: .regularExpression).map { String(line[$0]) }
            }
            let localJSON = try await FlowtopBinary.run(["run", "--json", "--workflow", "handoff", Self.question])
            let localTypes = localJSON.stdout.split(separator: "\n").compactMap { line in
                line.range(of: #""type":"[a-z_]+""#, options: .regularExpression).map { String(line[$0]) }
            }
            #expect(types == localTypes)
        }
    }

    @Test func aguiAndTextFormats() async throws {
        _ = try await ChildProcess.withServer(["--pace", "instant", "--workflow", "handoff"]) { port, _ in
            let url = "http://127.0.0.1:\(port)/api/workflow/stream"
            let agui = try await FlowtopBinary.run(["attach", url + "?format=agui", "--message", Self.question, "--plain"])
            #expect(agui.status == 0, "\(agui.stderr)")
            #expect(agui.stdout.contains("[Triage]"))
            #expect(agui.stdout.contains("[Weather]"))
            #expect(agui.stdout.contains("⚙ get_weather("))
            #expect(agui.stdout.contains("Findings: Tokyo"))
            #expect(agui.stdout.contains("✔ completed"))

            let text = try await FlowtopBinary.run(["attach", url + "?format=text", "--message", Self.question, "--plain", "--agent", "sample"])
            #expect(text.stdout.contains("[sample]"))
            #expect(text.stdout.contains("Findings: Tokyo"))
        }
    }

    @Test func replayOfAServersRunSendsTheAPIKeyAndSaysToPassIt() async throws {
        _ = try await ChildProcess.withServer(["--pace", "instant", "--workflow", "handoff", "--api-key", "s3cret"]) { port, _ in
            let url = "http://127.0.0.1:\(port)/api/workflow/stream"
            let attached = try await FlowtopBinary.run(["attach", url, "--message", Self.question, "--plain", "--api-key", "s3cret"])
            let runId = try #require(attached.stdout.firstMatch(of: /run_[0-9a-f]+/).map { String($0.output) })
            let run = "http://127.0.0.1:\(port)/api/runs/\(runId)"
            let refused = try await FlowtopBinary.run(["replay", run, "--plain", "--speed", "max"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("401 Unauthorized: pass --api-key"))
            let replayed = try await FlowtopBinary.run(["replay", run, "--plain", "--speed", "max", "--api-key", "s3cret"])
            #expect(replayed.status == 0, "\(replayed.stderr)")
            #expect(Self.normalised(replayed.stdout) == Self.normalised(attached.stdout))
            #expect(!replayed.stdout.contains("s3cret") && !refused.stderr.contains("s3cret"))
        }
    }

    @Test func apiKeyAndErrors() async throws {
        _ = try await ChildProcess.withServer(["--pace", "instant"], environment: ["FLOWTOP_API_KEY": "s3cret-key"]) { port, _ in
            let url = "http://127.0.0.1:\(port)/api/workflow/stream"
            let denied = try await FlowtopBinary.run(["attach", url, "--message", "hi", "--json"])
            #expect(denied.status == 1)
            #expect(denied.stderr.hasPrefix("flowtop: error: \(url) answered 401 Unauthorized"))
            let allowed = try await FlowtopBinary.run(["attach", url, "--message", "Seattle weather", "--json", "--api-key", "s3cret-key"])
            #expect(allowed.status == 0, "\(allowed.stderr)")
            #expect(allowed.stdout.contains("\"type\":\"done\""))
            #expect(!allowed.stdout.contains("s3cret-key") && !allowed.stderr.contains("s3cret-key"))
            let missing = try await FlowtopBinary.run(["attach", url, "--body", "{}", "--json", "--api-key", "s3cret-key"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("answered 400 Bad Request: Missing 'message' field"))
        }
    }
}
}
