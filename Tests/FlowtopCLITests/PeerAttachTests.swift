import Foundation
import Testing

extension FlowtopBinaryTests {
/// `flowtop attach` against Agent Framework's own servers (the peer kit: DevUI and AG-UI on an instant fake model).
@Suite("flowtop attach to the real Agent Framework servers", .enabled(if: PeerKit.enabled, Comment(rawValue: PeerKit.skipNote)))
struct PeerAttachTests {
    @Test func devUIsResearchWriterShowsEachExecutorAndTheToolCallWithItsResult() async throws {
        let result = try await PeerKit.with("devui") { url in
            try await FlowtopBinary.run([
                "attach", url, "--entity", "research_writer", "--message", "Research Seattle weather and write a short poem",
                "--plain",
            ])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[Researcher]") && result.stdout.contains("[Writer]"))
        #expect(result.stdout.contains(#"⚙ get_weather({"location": "Seattle, WA"})"#), "\(result.stdout)")
        #expect(result.stdout.contains("↳ get_weather: Weather in Seattle, WA: sunny, 21°C"))
        #expect(result.stdout.contains("── Researcher → Writer ──"))
        #expect(result.stdout.contains("✔ completed"))
    }

    @Test func devUIWithItsTokenOnListsEntitiesOnlyWithTheTokenAndSays401Plainly() async throws {
        let (denied, listed) = try await PeerKit.with("devui", ["--auth-token", "peer-token-5150"]) { url in
            let denied = try await FlowtopBinary.run(["attach", url, "--entity", "research_writer", "--message", "Hi", "--plain"])
            let listed = try await FlowtopBinary.run(["attach", url, "--message", "Hi", "--plain", "--api-key", "peer-token-5150"])
            return (denied, listed)
        }
        #expect(denied.status != 0)
        #expect(denied.stderr.contains("DevUI requires a token: pass --api-key (DevUI prints it at start-up)"))
        #expect(listed.status != 0)
        #expect(listed.stderr.contains("research_writer (workflow"))
        #expect(listed.stderr.contains("approval_flow (agent"))
        #expect(!listed.stderr.contains("peer-token-5150"))
    }

    @Test func agUIsWorkflowShowsBothAgentsTheToolAndTheTokens() async throws {
        let body = #"{"threadId":"t1","runId":"r1","messages":[{"id":"m1","role":"user","content":"What is the weather in Seattle?"}],"state":{},"tools":[],"context":[],"forwardedProps":{}}"#
        let result = try await PeerKit.with("agui") { url in
            try await FlowtopBinary.run(["attach", url + "/workflow", "--body", body, "--plain"])
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("[Researcher]") && result.stdout.contains("[Writer]"))
        #expect(result.stdout.contains("⚙ get_weather("))
        #expect(result.stdout.contains("171 tokens (in 90, out 81)"), "\(result.stdout)")
    }
}
}
