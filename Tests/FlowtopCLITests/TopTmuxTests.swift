import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

extension FlowtopBinaryTests {
    /// `flowtop top` against a real `flowtop serve` with several runs going, in a real terminal (tmux).
    @Suite("flowtop top in tmux")
    struct TopTmuxTests {
        let binary = FlowtopBinary.url.path

        /// Starts a detached run on the server and reads its stream in the background; returns its id.
        static func startRun(port: Int, workflow: String) async throws -> String {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"message":"Weather in Seattle?","workflow":"\#(workflow)","detach":true}"#))
            let ids = AsyncStream<String>.makeStream()
            Task {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
                ids.continuation.yield(response.headers.first(name: "X-Run-Id") ?? "")
                for try await _ in response.body {}
            }
            var iterator = ids.stream.makeAsyncIterator()
            return await iterator.next() ?? ""
        }

        @Test func topShowsTheRunsLiveEnterOpensOneAndEscComesBack() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            _ = try await ChildProcess.withServer(["--pace", "8"]) { port, _ in
                let tmux = try await Tmux(width: 100, height: 30)
                defer { tmux.kill() }
                var ids: [String] = []
                for workflow in ["research-writer", "handoff"] { ids.append(try await Self.startRun(port: port, workflow: workflow)) }
                try await tmux.run("\(binary) top http://127.0.0.1:\(port); echo EXIT=$?")
                let list = try await tmux.waitFor("the two runs listed live") {
                    $0.contains("live") && $0.contains(ids[0]) && $0.contains(ids[1]) && $0.contains("2 running")
                }
                #expect(list.contains("research-writer"))
                #expect(list.contains("handoff"))
                // A third starts while the list is open: it appears on top, newest first.
                ids.append(try await Self.startRun(port: port, workflow: "group-chat"))
                let three = try await tmux.waitFor("the third run") { $0.contains(ids[2]) && $0.contains("3 running") }
                let rows = three.split(separator: "\n").filter { $0.contains("run_") }
                #expect(rows.first?.contains(ids[2]) == true)
                // The selection stayed on its run; g goes to the top, the newest, and Enter opens its dashboard.
                try await tmux.type("g")
                try await tmux.press("Enter")
                let dashboard = try await tmux.waitFor("the run's dashboard") { $0.contains("q back") && $0.contains("group-chat") }
                #expect(dashboard.contains("live"))
                try await tmux.press("Escape")
                let back = try await tmux.waitFor("the list again") { $0.contains("sort: started") }
                #expect(back.contains(ids[0]) && back.contains(ids[1]) && back.contains(ids[2]))
                try await tmux.type("q")
                let after = try await tmux.waitFor("the shell after quitting") { Tmux.exitLine(in: $0) != nil }
                #expect(Tmux.exitLine(in: after) == "EXIT=0")
            }
        }

        @Test func aRunWaitingForAPersonIsAnsweredFromTheDashboardTopOpens() async throws {
            try #require(Tmux.available, "tmux is needed (apt-get install tmux)")
            _ = try await ChildProcess.withServer(["--pace", "400", "--api-key", "s3cret"]) { port, _ in
                let tmux = try await Tmux(width: 120, height: 40)
                defer { tmux.kill() }
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/workflow/stream")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Authorization", value: "Bearer s3cret")
                request.body = .bytes(ByteBuffer(string: #"{"message":"Weather in Lisbon?","workflow":"approval","detach":true}"#))
                let starter = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
                let id = try #require(starter.headers.first(name: "X-Run-Id"))
                try await tmux.run("\(binary) top http://127.0.0.1:\(port) --api-key s3cret; echo EXIT=$?")
                try await tmux.waitFor("the waiting run") { $0.contains(id) }
                try await tmux.press("Enter")
                let asked = try await tmux.waitFor("the approval prompt") { $0.contains("y approve · n reject") }
                #expect(asked.contains("Researcher wants to call send_report"))
                #expect(!asked.contains("answer where the run lives"))
                try await tmux.type("y")
                // The server took it: its stream shows the resolution, and the Writer's question comes next.
                let question = try await tmux.waitFor("the tone question") { $0.contains("▸ 1 cheerful") }
                #expect(question.contains("✔ approved by dashboard"))
                try await tmux.press("Enter")
                let done = try await tmux.waitFor("the run to complete") { $0.contains("✓ completed") }
                #expect(done.contains("answered by dashboard: cheerful"))
                try await tmux.press("Escape")
                let back = try await tmux.waitFor("the list again") { $0.contains("sort: started") }
                #expect(back.contains("✓ completed \(id)"))
                try await tmux.type("q")
                let after = try await tmux.waitFor("the shell after quitting") { Tmux.exitLine(in: $0) != nil }
                #expect(Tmux.exitLine(in: after) == "EXIT=0")
                for try await _ in starter.body {}
            }
        }

        @Test func withoutATerminalTopPrintsTheRunsOnceAsATableOrJSON() async throws {
            _ = try await ChildProcess.withServer(["--pace", "8"]) { port, _ in
                let id = try await Self.startRun(port: port, workflow: "handoff")
                let plain = try await FlowtopBinary.run(["top", "http://127.0.0.1:\(port)"])
                #expect(plain.status == 0, "\(plain.stderr)")
                #expect(plain.stdout.hasPrefix(" STATE"))
                #expect(plain.stdout.contains(id) && plain.stdout.contains("● running"))
                let json = try await FlowtopBinary.run(["top", "http://127.0.0.1:\(port)", "--json"])
                #expect(json.stdout.hasPrefix("{\"id\":\"\(id)\",\"workflow\":\"handoff\",\"state\":\"running\","))
            }
        }

        @Test func aServerThatWantsAKeySaysToPassIt() async throws {
            _ = try await ChildProcess.withServer(["--api-key", "s3cret"]) { port, _ in
                let refused = try await FlowtopBinary.run(["top", "http://127.0.0.1:\(port)", "--plain"])
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("401 Unauthorized"))
                #expect(refused.stderr.contains("pass --api-key"))
                #expect(!refused.stderr.contains("s3cret"))
                let allowed = try await FlowtopBinary.run(["top", "http://127.0.0.1:\(port)", "--plain", "--api-key", "s3cret"])
                #expect(allowed.status == 0, "\(allowed.stderr)")
            }
        }
    }
}
