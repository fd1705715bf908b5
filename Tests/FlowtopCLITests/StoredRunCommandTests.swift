import Foundation
import Testing

/// `flowtop run --store` and `--resume` as processes: a run kept in a real SQLite file as serve keeps its runs,
/// replayed from it, and one cut by `kill -9` after its first turn resumed by the next `run` to its end.
extension FlowtopBinaryTests {
@Suite("flowtop run --store and --resume")
struct StoredRunCommandTests {
    static let noKeys: [String: String?] = ["OPENAI_API_KEY": nil, "AZURE_OPENAI_ENDPOINT": nil, "FLOWTOP_PROVIDER": nil]

    /// The `seq` of each JSON line, in order.
    static func sequences(_ json: String) -> [Int] {
        json.split(separator: "\n").compactMap { line in
            line.firstMatch(of: /"seq":(\d+)/).flatMap { Int($0.output.1) }
        }
    }

    @Test func aStoredRunReplaysFromTheStoreAsItRan() async throws {
        let store = "sqlite:" + (try StoreServeTests.storeFile())
        let ran = try await FlowtopBinary.run(["run", "--store", store, "--plain", "Weather in Oslo?"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let runId = try #require(ran.stdout.firstMatch(of: /run_[0-9a-f]+/).map { String($0.output) })
        let replayed = try await FlowtopBinary.run(["replay", "--store", store, runId, "--plain", "--speed", "max"])
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(AttachServeTests.normalised(replayed.stdout) == AttachServeTests.normalised(ran.stdout))
        // A finished run is not resumed.
        let again = try await FlowtopBinary.run(["run", "--store", store, "--resume", runId, "--plain"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("cannot resume: run '\(runId)' is completed; only an interrupted run can be resumed"))
    }

    @Test func aRunCutByKill9AfterItsFirstTurnIsResumedByTheNextRunToItsEndWithNoGap() async throws {
        let file = try StoreServeTests.storeFile()
        let store = "sqlite:" + file
        let output = file + ".out"
        let binary = FlowtopBinary.url.path
        let command = "exec '\(binary)' run --store '\(store)' --store-lease 1 --pace demo --json 'Research Seattle weather' > '\(output)'"
        _ = try await ChildProcess.withRunning("/bin/sh", ["-c", command], environment: Self.noKeys) { execution in
            // Cut during the Writer's turn: after the Researcher's turn ended (its checkpoint) and a few more events.
            while true {
                let seen = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
                if let end = seen.range(of: #""type":"agent_completed""#),
                   seen[end.upperBound...].split(separator: "\n").count >= 5 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(500))
            try execution.send(signal: .kill)
        }
        let cut = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!cut.contains(#""type":"done""#))
        let runId = try #require(cut.firstMatch(of: /"run_id":"(run_[0-9a-f]+)"/).map { String($0.output.1) })
        try await Task.sleep(for: .milliseconds(1_500))

        let resumed = try await FlowtopBinary.run(["run", "--store", store, "--resume", runId, "--json"], environment: Self.noKeys)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.hasPrefix(#"{"type":"run_resumed","checkpoint_seq":"#))
        #expect(resumed.stdout.contains(#""completed_turns":1,"last_agent":"Researcher""#))
        #expect(resumed.stdout.contains(#""type":"done""#))
        // The store holds one sequence from the first event to the last: the cut run's, the marker, the rest.
        let stored = try await FlowtopBinary.run(["replay", "--store", store, runId, "--json", "--speed", "max"])
        let sequences = Self.sequences(stored.stdout)
        #expect(sequences == Array(1...sequences.count))
        #expect(Self.sequences(resumed.stdout).first.map { $0 > Self.sequences(cut).count - 1 } == true)
        let twice = try await FlowtopBinary.run(["run", "--store", store, "--resume", runId, "--json"], environment: Self.noKeys)
        #expect(twice.status == 1)
        #expect(twice.stderr.contains("is completed"))
    }

    @Test func resumeNeedsTheStoreAndNoPrompt() async throws {
        let noStore = try await FlowtopBinary.run(["run", "--resume", "run_1"])
        #expect(noStore.status == 64)
        #expect(noStore.stderr.contains("--resume needs the --store the run was kept in"))
        let withPrompt = try await FlowtopBinary.run(["run", "--store", "sqlite:/tmp/x.sqlite", "--resume", "run_1", "hello"])
        #expect(withPrompt.status == 64)
        #expect(withPrompt.stderr.contains("give no prompt"))
        let unknown = try await FlowtopBinary.run(["run", "--store", "sqlite:" + (try StoreServeTests.storeFile()), "--resume", "run_nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("cannot resume: no run with id 'run_nope'"))
    }
}
}
