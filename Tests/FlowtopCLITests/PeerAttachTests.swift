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

    /// Attaches the real binary's dashboard to the DevUI peer's `entity` in tmux, waits for the prompt `asked`
    /// shows, answers with `answer` (keys typed, then Enter unless it is `y`) and returns the screen once the run
    /// completed.
    static func answerInTmux(entity: String, message: String, asked: String, answer: [String]) async throws -> String {
        try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
        return try await PeerKit.with("devui") { url in
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(FlowtopBinary.url.path) attach \(url) --entity \(entity) --message '\(message)'; echo EXIT=$?")
            try await tmux.waitFor("the prompt") { $0.contains(asked) }
            for key in answer {
                if key == "Enter" { try await tmux.press("Enter") } else { try await tmux.type(key) }
            }
            let done = try await tmux.waitFor("the run to complete", timeout: .seconds(60)) { $0.contains("✓ completed") }
            try await tmux.type("q")
            let after = try await tmux.waitFor("the exit status") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
            return done
        }
    }

    @Test func devUIsApprovalFlowApprovedFromTheDashboardBooksTheTable() async throws {
        let done = try await Self.answerInTmux(
            entity: "approval_flow", message: "Book a table for two at Luigis tonight.",
            asked: "approval_flow wants to call book_table", answer: ["y"])
        #expect(done.contains("✔ approved by dashboard"), "\(done)")
        #expect(done.contains("Booked a table"), "\(done)")
    }

    @Test func devUIsApprovalFlowRejectedFromTheDashboardTellsTheModel() async throws {
        let done = try await Self.answerInTmux(
            entity: "approval_flow", message: "Book a table for two at Luigis tonight.",
            asked: "approval_flow wants to call book_table", answer: ["n", "not tonight", "Enter"])
        #expect(done.contains("✘ rejected by dashboard: not tonight"), "\(done)")
        #expect(done.contains("Tool call invocation was rejected by user"), "\(done)")
        #expect(done.contains("I did not book the table"), "\(done)")
    }

    @Test func devUIsReviewFlowAnsweredFromTheDashboardGoesOnToTheWriter() async throws {
        let done = try await Self.answerInTmux(
            entity: "review_flow", message: "Research Seattle weather and write a short poem",
            asked: "Reviewer asks", answer: ["Mention the light breeze.", "Enter"])
        #expect(done.contains("✎ answered by dashboard"), "\(done)")
        #expect(done.contains("Writer"), "\(done)")
        #expect(!done.contains("failed"), "\(done)")
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
