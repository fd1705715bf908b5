import Foundation
import Testing

extension FlowtopBinaryTests {
    /// The approval preset in a real terminal: the run stops at the request, shows the arguments, and the keys
    /// answer it.
    @Suite("Approvals in tmux")
    struct ApprovalTmuxTests {
        let binary = FlowtopBinary.url.path

        @Test func demoStopsAtTheApprovalAndYContinuesToTheEnd() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --workflow approval --pace 400; echo EXIT=$?")
            let asked = try await tmux.waitFor("the approval prompt") { $0.contains("y approve · n reject") }
            #expect(asked.contains("⏸ 1 approval"))
            #expect(asked.contains("Researcher wants to call send_report"))
            #expect(asked.contains(#""to" : "team@example.com""#))
            #expect(asked.contains("⏸ needs you"))
            try await tmux.type("y")
            let question = try await tmux.waitFor("the tone question") { $0.contains("Which tone should the Writer take?") && $0.contains("▸ 1 cheerful") }
            #expect(question.contains("✔ approved by dashboard"))
            try await tmux.press("Down")
            try await tmux.press("Enter")
            let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
            #expect(done.contains("↳ Report sent to"))
            #expect(done.contains("Weather report for Lisbon"))
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell prompt") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
        }

        @Test func nWithAReasonEndsWithTheModelsReplyToTheRejection() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --workflow approval --pace 400; echo EXIT=$?")
            try await tmux.waitFor("the approval prompt") { $0.contains("y approve · n reject") }
            try await tmux.type("n")
            try await tmux.waitFor("the reason line") { $0.contains("Reason (optional):") }
            try await tmux.type("not before Monday")
            try await tmux.waitFor("the typed reason") { $0.contains("> not before Monday▏") }
            try await tmux.press("Enter")
            try await tmux.waitFor("the tone question") { $0.contains("▸ 1 cheerful") }
            try await tmux.press("Enter")
            let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
            #expect(done.contains("✘ rejected by dashboard: not"))
            // The Researcher's pane, zoomed to the full width so its reply reads on one line.
            try await tmux.type("1")
            try await tmux.type("z")
            try await tmux.waitFor("the model's reply to the rejection") {
                $0.contains("I did not send the report: you rejected it (not before Monday).")
            }
            try await tmux.type("q")
            try await tmux.waitFor("the shell prompt") { Tmux.exitLine(in: $0) != nil }
        }
    
        @Test func plainOnATerminalAsksOnStandardInput() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 160, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --workflow approval --plain --pace instant; echo EXIT=$?")
            try await tmux.waitFor("the approval question") { $0.contains("approve? y / n [reason] ›") }
            try await tmux.run("n too early")
            let rejected = try await tmux.waitFor("the tone question") { $0.contains("choose 1-3 or type ›") }
            #expect(rejected.contains("✘ rejected by terminal: too early"))
            #expect(rejected.contains("I did not send the report: you rejected it (too early)."))
            try await tmux.run("3")
            let done = try await tmux.waitFor("the end of the run") { Tmux.exitLine(in: $0) != nil }
            #expect(done.contains("↳ answered by terminal"))
            #expect(done.contains("Over Lisbon the sky"))
            #expect(Tmux.exitLine(in: done) == "EXIT=0")
        }
    }
}
