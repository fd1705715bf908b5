import Synchronization
import WorkflowCore

/// The dashboard's answers to a DevUI run's requests, handed to the run's conversation (`DevUIConversationRun`),
/// which sends them as a follow-up response once every pending request has one and says whether DevUI took them.
/// Every answer is told what became of it exactly once, also when the run ends first.
public final class DevUIRequestAnswers: RequestAnswers {
    /// An answer on its way, and who waits to hear what became of it.
    struct Answer: Sendable {
        var requestId: String
        var response: HumanResponse
        var reply: @Sendable (String?) -> Void
    }

    private struct Mailbox {
        var queued: [Answer] = []
        var waiter: CheckedContinuation<Answer?, Never>?
        var closed = false
    }

    private let mailbox = Mutex(Mailbox())

    public init() {}

    /// DevUI's stream carries no run id to learn: nothing to note.
    public func observe(_ event: WorkflowEvent) {}

    public func send(_ requestId: String, _ response: HumanResponse) async -> String? {
        await withCheckedContinuation { (done: CheckedContinuation<String?, Never>) in
            let answer = Answer(requestId: requestId, response: response) { done.resume(returning: $0) }
            let (waiter, closed) = mailbox.withLock { box -> (CheckedContinuation<Answer?, Never>?, Bool) in
                if box.closed { return (nil, true) }
                if let waiter = box.waiter {
                    box.waiter = nil
                    return (waiter, false)
                }
                box.queued.append(answer)
                return (nil, false)
            }
            if closed { answer.reply("cannot answer \(requestId): the run is over") }
            waiter?.resume(returning: answer)
        }
    }

    /// The next answer; nil once closed or when the waiting task is cancelled (the person quit).
    func next() async -> Answer? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiting: CheckedContinuation<Answer?, Never>) in
                let ready: Answer?? = mailbox.withLock { box in
                    if !box.queued.isEmpty { return .some(box.queued.removeFirst()) }
                    if box.closed || Task.isCancelled { return .some(nil) }
                    box.waiter = waiting
                    return nil
                }
                if let ready { waiting.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = mailbox.withLock { box in
                defer { box.waiter = nil }
                return box.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// No more answers are taken (the run ended): the ones still queued, and any sent later, are told so.
    func close() {
        let (queued, waiter) = mailbox.withLock { box in
            defer {
                box.closed = true
                box.queued = []
                box.waiter = nil
            }
            return (box.queued, box.waiter)
        }
        for answer in queued { answer.reply("cannot answer \(answer.requestId): the run is over") }
        waiter?.resume(returning: nil)
    }
}
