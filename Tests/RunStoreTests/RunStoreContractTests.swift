import Foundation
import RunStore
import Testing
import WorkflowCore

/// What every `RunStore` promises, run against each store in `ContractStore.all` on real files (or servers).
/// One test at a time: on a busy machine, a fresh PostgreSQL database per case created all at once took longer
/// than a connection may wait.
@Suite(.serialized) struct RunStoreContractTests {
    typealias S = StoredRunSamples

    @Test(arguments: ContractStore.all)
    func aCreatedRunReadsBackAsItWasStored(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        var run = S.run("r1")
        run.agents = ["Researcher", "Writer"]
        run.currentAgent = "Writer"
        run.usage = Usage(inputTokens: 12, outputTokens: 34, estimated: true)
        try await store.createRun(run)
        #expect(try await store.run(id: "r1") == run)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aRunIdAlreadyStoredIsRefused(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("r1"))
        await #expect(throws: RunStoreError.duplicateRun("r1")) { try await store.createRun(S.run("r1")) }
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func anUnknownRunIsNil(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        #expect(try await store.run(id: "nothing") == nil)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func eventsComeBackInSequenceAfterTheOneAsked(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...5)))
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(6...9)))
        #expect(try await store.events(ofRun: "r1", after: 3, limit: 100) == S.events(4...9))
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func eventsAreReadAtMostLimitAtATimeOldestFirst(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...700)))
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 250) == S.events(1...250))
        #expect(try await store.events(ofRun: "r1", after: 650, limit: 250) == S.events(651...700))
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aBatchRetriedAfterALostReplyStoresNothingTwice(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...4)))
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(3...6)))
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 100) == S.events(1...6))
        #expect(try await store.statistics().events == 6)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aGapInTheNumberingIsKeptAndReadAcross(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        // Events 4-6 were lost while the store was away: the ones around them are stored as they were numbered.
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...3) + S.events(7...9)))
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 100) == S.events(1...3) + S.events(7...9))
        #expect(try await store.events(ofRun: "r1", after: 2, limit: 3) == S.events(3...3) + S.events(7...8))
        #expect(try await store.events(ofRun: "r1", after: 5, limit: 100) == S.events(7...9))
        #expect(try await store.statistics().events == 6)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func anEventWhoseTextHoldsNewlinesReadsBackAsItWasStored(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        var events = S.events(1...4)
        events[1].json = "{\"type\":\"output\",\n\"output\":\"two\nlines\"}"
        try await store.appendEvents(StoredEventBatch(run: run, events: events))
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 100) == events)
        #expect(try await store.events(ofRun: "r1", after: 1, limit: 2) == Array(events[1...2]))
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aBatchBringsTheRunsMetadataUpToDate(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        var after = S.finished(run, at: 30)
        after.agents = ["Researcher"]
        after.usage = Usage(inputTokens: 5, outputTokens: 7)
        after.toolCalls = 2
        try await store.appendEvents(StoredEventBatch(run: after, events: S.events(1...3)))
        var expected = after
        expected.lastSequence = 3
        #expect(try await store.run(id: "r1") == expected)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func anIncompletelyStoredRunStaysMarked(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        var run = S.run("r1")
        try await store.createRun(run)
        run.incompletelyStored = true
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...2)))
        run.incompletelyStored = false
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(3...4)))
        #expect(try await store.run(id: "r1")?.incompletelyStored == true)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func onlyTheLeaseOwnerAppends(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("r1", owner: "instance-a"))
        let intruder = S.run("r1", owner: "instance-b")
        await #expect(throws: RunStoreError.notOwner(runId: "r1", owner: "instance-a")) {
            try await store.appendEvents(StoredEventBatch(run: intruder, events: S.events(1...2)))
        }
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 10).isEmpty)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func appendingToAnUnknownRunIsRefused(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        await #expect(throws: RunStoreError.unknownRun("ghost")) {
            try await store.appendEvents(StoredEventBatch(run: S.run("ghost"), events: S.events(1...1)))
        }
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func severalRunsBatchesAreStoredInOneAppend(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let first = S.run("r1")
        var second = S.run("r2", startedAt: 1)
        try await store.createRun(first)
        try await store.createRun(second)
        second.agents = ["writer"]
        second.currentAgent = "writer"
        let refused = try await store.appendEvents([
            StoredEventBatch(run: first, events: S.events(1...3)),
            StoredEventBatch(run: S.finished(second, at: 5), events: S.events(1...4)),
        ])
        #expect(refused.isEmpty)
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 10) == S.events(1...3))
        #expect(try await store.events(ofRun: "r2", after: 0, limit: 10) == S.events(1...4))
        let stored = try await store.run(id: "r2")
        #expect(stored?.state == .completed)
        #expect(stored?.agents == ["writer"])
        #expect(stored?.lastSequence == 4)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aRefusedBatchInAnAppendLeavesTheOtherRunsStored(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("mine"))
        try await store.createRun(S.run("theirs", owner: "instance-b"))
        let refused = try await store.appendEvents([
            StoredEventBatch(run: S.run("theirs"), events: S.events(1...2)),
            StoredEventBatch(run: S.run("mine"), events: S.events(1...2)),
            StoredEventBatch(run: S.run("ghost"), events: S.events(1...2)),
        ])
        #expect(refused == [
            "theirs": .notOwner(runId: "theirs", owner: "instance-b"), "ghost": .unknownRun("ghost"),
        ])
        #expect(try await store.events(ofRun: "mine", after: 0, limit: 10) == S.events(1...2))
        #expect(try await store.events(ofRun: "theirs", after: 0, limit: 10).isEmpty)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func twoBatchesOfOneRunInAnAppendAreStoredInOrder(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        var later = run
        later.currentAgent = "writer"
        _ = try await store.appendEvents([
            StoredEventBatch(run: run, events: S.events(1...2)), StoredEventBatch(run: later, events: S.events(3...5)),
        ])
        #expect(try await store.events(ofRun: "r1", after: 0, limit: 10) == S.events(1...5))
        #expect(try await store.run(id: "r1")?.lastSequence == 5)
        #expect(try await store.run(id: "r1")?.currentAgent == "writer")
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func runsAreListedNewestFirstAPageAfterTheRunGivenAsBefore(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        for second in 0..<5 { try await store.createRun(S.run("r\(second)", startedAt: second)) }
        let first = try await store.runs(StoredRunQuery(limit: 2))
        #expect(first.map(\.id) == ["r4", "r3"])
        let next = try await store.runs(StoredRunQuery(limit: 2, before: "r3"))
        #expect(next.map(\.id) == ["r2", "r1"])
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func runsAreFilteredByStateAndWorkflow(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("a", startedAt: 1, workflow: "research"))
        try await store.createRun(S.run("b", startedAt: 2, workflow: "review"))
        try await store.createRun(S.run("c", startedAt: 3, workflow: "research", state: .completed))
        #expect(try await store.runs(StoredRunQuery(state: .completed)).map(\.id) == ["c"])
        #expect(try await store.runs(StoredRunQuery(workflow: "research")).map(\.id) == ["c", "a"])
        #expect(try await store.runs(StoredRunQuery(state: .running, workflow: "research")).map(\.id) == ["a"])
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aLeaseIsTakenWhenFreeOrExpiredAndRefusedWhileAnotherHoldsIt(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("free", owner: nil))
        #expect(try await store.acquireLease(runId: "free", owner: "a", expires: Date().addingTimeInterval(60)))
        #expect(try await !store.acquireLease(runId: "free", owner: "b", expires: Date().addingTimeInterval(60)))
        #expect(try await store.acquireLease(runId: "free", owner: "a", expires: Date().addingTimeInterval(90)))
        var lapsed = S.run("lapsed", owner: "a")
        lapsed.leaseExpires = Date().addingTimeInterval(-1)
        try await store.createRun(lapsed)
        #expect(try await store.acquireLease(runId: "lapsed", owner: "b", expires: Date().addingTimeInterval(60)))
        #expect(try await store.run(id: "lapsed")?.owner == "b")
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func leasesRenewedTogetherLeaveOutRunsAnotherHoldsAndUnknownOnes(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("mine", owner: "a"))
        try await store.createRun(S.run("theirs", owner: "b"))
        var lapsed = S.run("lapsed", owner: "b")
        lapsed.leaseExpires = Date().addingTimeInterval(-1)
        try await store.createRun(lapsed)
        let expires = Date().addingTimeInterval(120)
        let held = try await store.acquireLeases(
            runIds: ["mine", "theirs", "lapsed", "ghost"], owner: "a", expires: expires)
        #expect(held == ["mine", "lapsed"])
        #expect(try await store.run(id: "lapsed")?.owner == "a")
        #expect(try await store.run(id: "theirs")?.owner == "b")
        let renewed = try #require(try await store.run(id: "mine")?.leaseExpires)
        #expect(abs(renewed.timeIntervalSince(expires)) < 0.001)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func runningRunsWhoseLeaseExpiredAreMarkedInterrupted(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        var dead = S.run("dead")
        dead.leaseExpires = Date().addingTimeInterval(-5)
        try await store.createRun(dead)
        try await store.createRun(S.run("alive"))
        var finished = S.run("finished", state: .completed)
        finished.leaseExpires = Date().addingTimeInterval(-5)
        try await store.createRun(finished)
        #expect(try await store.markInterrupted(leasesExpiredBefore: Date()) == ["dead"])
        #expect(try await store.run(id: "dead")?.state == .interrupted)
        #expect(try await store.run(id: "alive")?.state == .running)
        #expect(try await store.run(id: "finished")?.state == .completed)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func theLatestCheckpointComesBack(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        try await store.createRun(S.run("r1"))
        #expect(try await store.checkpoint(ofRun: "r1") == nil)
        try await store.saveCheckpoint(RunCheckpoint(runId: "r1", sequence: 10, json: #"{"turn":1}"#))
        try await store.saveCheckpoint(RunCheckpoint(runId: "r1", sequence: 20, json: #"{"turn":2}"#))
        #expect(try await store.checkpoint(ofRun: "r1") == RunCheckpoint(runId: "r1", sequence: 20, json: #"{"turn":2}"#))
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func pruningByAgeRemovesFinishedRunsEndedBeforeItWithTheirEvents(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        for (id, second) in [("old", 0), ("new", 100)] {
            let run = S.run(id, startedAt: second)
            try await store.createRun(run)
            try await store.appendEvents(StoredEventBatch(run: S.finished(run, at: second + 10), events: S.events(1...3)))
        }
        try await store.createRun(S.run("live", startedAt: 0))
        let removed = try await store.prune(olderThan: S.epoch.addingTimeInterval(50), keepingAtMost: nil)
        #expect(removed == 1)
        #expect(try await store.runs(StoredRunQuery()).map(\.id).sorted() == ["live", "new"])
        #expect(try await store.events(ofRun: "old", after: 0, limit: 10).isEmpty)
        #expect(try await store.statistics().events == 3)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func pruningByCountKeepsTheNewestRuns(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        for second in 0..<5 {
            let run = S.run("r\(second)", startedAt: second)
            try await store.createRun(run)
            try await store.appendEvents(StoredEventBatch(run: S.finished(run, at: second + 1), events: S.events(1...1)))
        }
        #expect(try await store.prune(olderThan: nil, keepingAtMost: 2) == 3)
        #expect(try await store.runs(StoredRunQuery()).map(\.id) == ["r4", "r3"])
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func statisticsCountRunsAndEvents(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        let run = S.run("r1")
        try await store.createRun(run)
        try await store.createRun(S.run("r2"))
        try await store.appendEvents(StoredEventBatch(run: run, events: S.events(1...7)))
        let statistics = try await store.statistics()
        #expect(statistics.runs == 2)
        #expect(statistics.events == 7)
        await store.close()
    }

    @Test(arguments: ContractStore.all)
    func aClosedStoreAnswersUnavailable(_ kind: ContractStore) async throws {
        let store = try await kind.make()
        await store.close()
        let error = await #expect(throws: RunStoreError.self) { _ = try await store.run(id: "r1") }
        guard case .unavailable? = error else {
            Issue.record("expected .unavailable, got \(String(describing: error))")
            return
        }
    }
}
