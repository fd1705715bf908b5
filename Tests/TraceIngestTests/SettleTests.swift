import Testing
import TraceRunBuilder
import WorkflowCore

/// When a complete trace's run ends: after the settle delay, and after every request that was being read when the
/// trace became complete (another request of the same export may still hold its spans).
@Suite("Settling a complete trace")
struct SettleTests {
    static func allSpans() throws -> [TraceSpan] { try Capture.protobufSpans().flatMap { $0 } }

    static func ended(_ updates: [TraceRuns.Update]) -> Bool {
        updates.contains { $0.runId == Capture.runTraceId && $0.events.last?.isTerminal == true }
    }

    @Test("a complete trace waits for a request that was being read when it became complete")
    func aCompleteTraceWaitsForARequestInFlight() throws {
        var runs = TraceRuns()
        // Requests 1–3 begun, 2 still being read when request 3 completes the trace.
        _ = runs.add(try Self.allSpans(), now: 0, window: RequestWindow(newestBegun: 3, oldestUnfinished: 2))
        #expect(!Self.ended(runs.expire(now: 1, window: RequestWindow(newestBegun: 4, oldestUnfinished: 2))))
        #expect(!Self.ended(runs.expire(now: 1.1, window: RequestWindow(newestBegun: 5, oldestUnfinished: 3))))
        // Request 4 began after the trace was complete: it is not waited for.
        #expect(Self.ended(runs.expire(now: 1.2, window: RequestWindow(newestBegun: 5, oldestUnfinished: 4))))
    }

    @Test("a complete trace waits out the settle delay even when no other request is in flight")
    func aCompleteTraceWaitsOutTheSettleDelay() throws {
        var runs = TraceRuns(limits: .init(settleDelay: 0.1))
        let idle = RequestWindow(newestBegun: 1, oldestUnfinished: 2)
        _ = runs.add(try Self.allSpans(), now: 10, window: RequestWindow(newestBegun: 1, oldestUnfinished: 1))
        #expect(!Self.ended(runs.expire(now: 10.05, window: idle)))
        #expect(Self.ended(runs.expire(now: 10.15, window: idle)))
    }

    @Test("request tickets give the oldest request still being read, or the next when none is")
    func ticketsTrackTheOldestUnfinishedRequest() {
        var tickets = RequestTickets()
        let first = tickets.begin(), second = tickets.begin(), third = tickets.begin()
        #expect(tickets.window == RequestWindow(newestBegun: 3, oldestUnfinished: 1))
        tickets.finish(first)
        tickets.finish(third)
        #expect(tickets.window == RequestWindow(newestBegun: 3, oldestUnfinished: second))
        tickets.finish(second)
        #expect(tickets.window == RequestWindow(newestBegun: 3, oldestUnfinished: 4))
    }
}
