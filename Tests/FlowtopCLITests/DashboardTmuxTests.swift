import Foundation
import Testing

extension FlowtopBinaryTests {
    /// The real binary in a real terminal (tmux), driven by keys.
    @Suite("Dashboard in tmux")
    struct DashboardTmuxTests {
        let binary = FlowtopBinary.url.path

        @Test func demoShowsPanesToolCallAndHandoffAndQuitsCleanly() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo; echo EXIT=$?")
            let midRun = try await tmux.waitFor("the Researcher's tool call") { $0.contains("get_weather(location=Seattle)") }
            #expect(midRun.contains(" flowtop │ research-writer │ ● running"))
            #expect(midRun.contains("1 Researcher"))
            #expect(midRun.contains("2 Writer"))
            let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
            #expect(done.contains("── Researcher → Writer · next in sequence ──"))
            #expect(done.contains("Tool calls (1)"))
            #expect(done.contains("✓ done"))
            // The Writer's Markdown is rendered: no markers on screen, the heading, list and code block as text.
            #expect(done.contains("Seattle, clear skies"))
            #expect(!done.contains("**"))
            #expect(done.contains("At a glance") && !done.contains("###"))
            #expect(done.contains("• Sky: clear skies"))
            #expect(done.contains("Seattle: 24°C, clear skies") && !done.contains("```"))
            // r shows the text as streamed, and back.
            try await tmux.type("r")
            let raw = try await tmux.waitFor("the raw text") { $0.contains("**Seattle, clear skies**") }
            #expect(raw.contains("### At a glance"))
            try await tmux.type("r")
            try await tmux.waitFor("the rendered text again") { !$0.contains("**Seattle,") && $0.contains("Seattle, clear skies") }
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell prompt after quitting") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
            #expect(after.contains("✔ research-writer completed"))
            #expect(!after.contains("┌ 1 Researcher"), "the dashboard must be gone from the normal screen")
            // The shell is usable: it runs a command and shows its output.
            try await tmux.run("echo shell-ok-$((6*7))")
            try await tmux.waitFor("the shell to answer") { $0.contains("shell-ok-42") }
        }

        @Test func keysOverlaysZoomSearchAndResize() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 120, height: 40)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --pace 200; echo EXIT=$?")
            let complete = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }

            try await tmux.type("?")
            try await tmux.waitFor("the help overlay") { $0.contains("Keys") && $0.contains("Esc or ? closes") }
            try await tmux.press("Escape")
            try await tmux.waitFor("help to close") { !$0.contains("Esc or ? closes") }

            try await tmux.type("2")
            try await tmux.type("z")
            let zoomed = try await tmux.waitFor("the Writer zoomed") { !$0.contains("1 Researcher") && $0.contains("2 Writer") }
            #expect(zoomed.contains("Seattle, clear skies"))
            try await tmux.type("z")

            try await tmux.type("/Seattle")
            try await tmux.waitFor("the search being typed") { $0.contains("/Seattle▏") }
            try await tmux.press("Enter")
            try await tmux.waitFor("the match count") { $0.contains("matches · n/N") }
            try await tmux.press("Escape")

            try await tmux.type("t")
            try await tmux.waitFor("the timeline to hide") { !$0.contains("Tool calls (1)") }
            try await tmux.type("t")
            let restored = try await tmux.waitFor("the timeline to come back") { $0.contains("Tool calls (1)") }

            try await tmux.resize(width: 40, height: 12)
            let small = try await tmux.waitFor("the small layout") { screen in
                screen.split(separator: "\n").allSatisfy { $0.count <= 40 } && screen.contains("flowtop")
            }
            #expect(small.contains("Researcher") || small.contains("Writer"))
            try await tmux.resize(width: 30, height: 8)
            try await tmux.waitFor("the too-small notice") { $0.contains("Terminal too small") }
            try await tmux.resize(width: 120, height: 40)
            let back = try await tmux.waitFor("the full layout again") { $0.contains("Tool calls (1)") && $0.contains("1 Researcher") }
            // Everything is still there: the same screen as before the resizes (the clock does not move once done).
            #expect(back == restored)
            #expect(complete.contains("Seattle, clear skies") && !complete.contains("**Seattle,"))

            try await tmux.press("C-c")
            let after = try await tmux.waitFor("the shell after Ctrl-C") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
        }

        @Test func mShowsTheWorkflowMapWithEachAgentsStateAndHidesItAgain() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 80, height: 24)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --workflow concurrent --pace 400; echo EXIT=$?")
            try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
            try await tmux.type("m")
            // Waited for whole: a capture can catch a frame half drawn, its title there and the graph not yet.
            let map = try await tmux.waitFor("the map with its last node") {
                $0.contains("Map · concurrent") && $0.contains("▶ ✓ Summarizer")
            }
            #expect(map.contains("✓ Meteorologist"))
            #expect(map.contains("✓ Historian"))
            #expect(map.contains("✓ Travel Guide"))
            #expect(map.contains("▶ ✓ Summarizer"))
            #expect(map.contains("✓ input"))
            // The panes are still there under it.
            #expect(map.contains("1 Meteorologist"))
            try await tmux.type("m")
            try await tmux.waitFor("the map to close") { !$0.contains("Map · concurrent") }
            try await tmux.type("q")
            let after = try await tmux.waitFor("the shell prompt after quitting") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=0")
        }

        @Test func sigtermRestoresTheTerminal() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            let tmux = try await Tmux(width: 100, height: 30)
            defer { tmux.kill() }
            try await tmux.run("\(binary) demo --pace 5; echo EXIT=$?")
            try await tmux.waitFor("the dashboard") { $0.contains("1 Researcher") }
            let pid = try #require(try await tmux.foregroundChild())
            kill(pid, SIGTERM)
            let after = try await tmux.waitFor("the shell after SIGTERM") { Tmux.exitLine(in: $0) != nil }
            #expect(Tmux.exitLine(in: after) == "EXIT=143")
            #expect(after.contains("stopped"))
            #expect(!after.contains("┌ 1 Researcher"))
            try await tmux.run("echo restored-$((1+1))")
            try await tmux.waitFor("the shell to answer") { $0.contains("restored-2") }
        }

        @Test func notATerminalFallsBackToPlain() async throws {
            let result = try await FlowtopBinary.run(["demo", "--pace", "instant"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("[Researcher]"))
            #expect(result.stdout.contains("── Researcher → Writer · next in sequence ──"))
        }
    }
}
