import Foundation
import LoopbackHTTP
import Testing

extension FlowtopBinaryTests {
    /// `flowtop attach` and `flowtop replay` on the dashboard, in a real terminal (tmux).
    @Suite("Attach and replay in tmux")
    struct AttachTmuxTests {
        let binary = FlowtopBinary.url.path

        @Test func attachShowsPanesToolCallsAndTransitionsLive() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let (_, sse) = try await AttachCommandTests.scriptedRun()
            // The stream at a readable pace: a pause after every event.
            var steps: [ScriptedResponse.Step] = []
            var start = 0
            for index in sse.indices where index > 0 && sse[index] == 0x0A && sse[index - 1] == 0x0A {
                steps += [.bytes(Array(sse[start...index])), .pause(milliseconds: 40)]
                start = index + 1
            }
            // Three events of a type flowtop does not know, early on: skipped, counted, and shown with `w`.
            let unknown = Array("data: {\"type\":\"telemetry\",\"cpu\":0.5}\n\n".utf8)
            steps.insert(contentsOf: [.bytes(unknown), .bytes(unknown), .bytes(unknown)], at: 4)
            let server = LoopbackServer(responses: [.eventStream(steps)])
            try await server.start()
            defer { Task { await server.shutdown() } }
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) attach \(server.baseURL)/api/workflow/stream --message 'Tokyo weather?'; echo EXIT=$?")
            let live = try await tmux.waitFor("the live stream") { $0.contains("live") && $0.contains("1 Triage") }
            #expect(live.contains("handoff"))
            let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
            #expect(done.contains("1 Triage"))
            #expect(done.contains("2 Weather"))
            #expect(done.contains("── Triage → Weather"))
            #expect(done.contains("get_weather"))
            #expect(done.contains("Tool calls (2)"))
            #expect(done.contains("⚠ 1 warning · 3 skipped"))
            try await tmux.type("w")
            let warnings = try await tmux.waitFor("the warnings overlay") { $0.contains("Events of unknown types, skipped (3)") }
            #expect(warnings.contains("unknown event type \"telemetry\""))
            #expect(warnings.contains("telemetry  ×3"))
            try await tmux.press("Escape")
            try await tmux.waitFor("the overlay to close") { !$0.contains("Events of unknown types") }
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell prompt after quitting") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
            #expect(after.contains("✔ handoff completed"))
            #expect(server.requests.first?.bodyText == "{\"message\":\"Tokyo weather?\"}")
        }

        /// `flowtop serve` running, `flowtop attach` in the terminal: the same final screen as `flowtop run` of the
        /// same workflow and prompt (numbers — ids, timings, rates — aside).
        @Test func attachToServeShowsWhatRunShows() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            _ = try await ChildProcess.withServer(["--pace", "300", "--workflow", "handoff"]) { port, _ in
                func normalised(_ screen: String) -> [String] {
                    screen.split(separator: "\n").dropFirst().map {
                        $0.replacingOccurrences(of: #"[0-9]+([.:][0-9]+)*"#, with: "#", options: .regularExpression)
                    }
                }
                let tmux = try await Tmux(width: 120, height: 40)
                defer { tmux.kill() }
                try await tmux.run("\(binary) attach http://127.0.0.1:\(port)/api/workflow/stream --message \"What's the weather in Tokyo right now?\"; echo EXIT=$?")
                let attached = try await tmux.waitFor("the attached run to complete") { $0.contains("✓ completed") }
                #expect(attached.contains("── Triage → Weather"))
                #expect(attached.contains("get_weather"))
                try await tmux.type("q")
                try await tmux.waitFor("the shell after attach") { Tmux.exitLine(in: $0) != nil }
                try await tmux.run("clear; \(binary) run --workflow handoff --pace 300 \"What's the weather in Tokyo right now?\"; echo EXIT=$?")
                let local = try await tmux.waitFor("the local run to complete") { $0.contains("✓ completed") }
                #expect(normalised(attached) == normalised(local))
                try await tmux.type("q")
                let after = try await tmux.waitFor("the shell after run") { Tmux.exitLine(in: $0) != nil }
                #expect(Tmux.exitLine(in: after) == "EXIT=0")
            }
        }

        @Test func anHTTPErrorIsShownOnTheDashboardAndAfterIt() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let server = LoopbackServer(responses: [.json(status: 401, "{\"error\":\"missing API key\"}")])
            try await server.start()
            defer { Task { await server.shutdown() } }
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) attach \(server.baseURL)/api/workflow/stream --message hi; echo EXIT=$?")
            let shown = try await tmux.waitFor("the error on the dashboard") { $0.contains("missing API key") }
            #expect(shown.contains("closed"))
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell prompt after quitting") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=1")
            #expect(after.contains("flowtop: error: \(server.baseURL)/api/workflow/stream answered 401 Unauthorized: missing API key"))
        }

        @Test func replayShowsTheSameFinalScreenAsTheLiveRun() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-\(UUID()).ndjson").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --pace 400 --record \(file); echo EXIT=$?")
            let live = try await tmux.waitFor("the live run to complete") { $0.contains("✓ completed") }
            try await tmux.type("q")
            try await tmux.waitFor("the shell after the live run") { Tmux.exitLine(in: $0) != nil }
            try await tmux.run("clear; \(binary) replay \(file) --speed max; echo EXIT=$?")
            let replayed = try await tmux.waitFor("the replay to complete") { $0.contains("✓ completed") }
            // Same panes, text, tool calls and transitions; the header's connection field says "replay".
            func body(_ screen: String) -> [Substring] { Array(screen.split(separator: "\n").dropFirst()) }
            #expect(body(replayed) == body(live))
            #expect(replayed.contains("replay ×max"))
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell after the replay") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
        }
    }
}
