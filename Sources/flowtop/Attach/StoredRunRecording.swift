import Foundation
import HTTPExchange
import RemoteStream
import RunStore
import RunStoreOpening
import Wire
import WorkflowCore

/// A stored run read back as a recording for `flowtop replay`: from a server (`http://HOST/api/runs/ID`, its
/// events route) or straight from a store (`--store sqlite:PATH ID`).
enum StoredRunRecording {
    /// `http://HOST/api/runs/ID`: every event the server has for the run, from its store or memory, asked for with
    /// `access` (`-H`, `--api-key`).
    static func load(url: String, access: RequestHeaders = RequestHeaders(lines: [])) async throws(RecordingError) -> Recording {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard base.contains("/api/runs/") else {
            throw RecordingError("\(URL.describedWithoutQuery(url)) is not a run's address (http://HOST/api/runs/ID)")
        }
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        defer { Task { await client.shutdown() } }
        var events: [WorkflowEvent] = []
        var failure: String?
        do {
            _ = try await client.stream(
                EventSourceRequest(url: base + "/events", headers: access.headers, secrets: access.secrets), onState: { _ in }) { event, _ in
                guard let decoded = try? FlowtopWireDecoder.decode(event) else { return .more }
                events.append(decoded)
                return decoded.isTerminal ? .stop : .more
            }
        } catch let error as EventSourceFailure where error.status == 401 {
            failure = "401 Unauthorized: pass --api-key (or -H with the server's credentials)"
        } catch {
            failure = "\(error)"
        }
        if let failure, events.isEmpty {
            throw RecordingError("cannot read \(URL.describedWithoutQuery(base)): \(failure)")
        }
        return Recording(storedRun: base, events: events)
    }

    /// Run `id` read from `store`, a page at a time.
    static func load(id: String, from location: StoreLocation) async throws(RecordingError) -> Recording {
        do {
            guard let store = try await location.open(logger: .init(label: "flowtop.replay")) else {
                throw RecordingError("--store memory holds no runs to replay")
            }
            defer { Task { await store.close() } }
            guard try await store.run(id: id) != nil else {
                throw RecordingError("\(location) has no run \(id)")
            }
            var events: [WorkflowEvent] = []
            var cursor = 0
            while true {
                let page = try await store.events(ofRun: id, after: cursor, limit: 1_000)
                for stored in page {
                    events.append(try FlowtopWireDecoder.decode(json: stored.json, fallbackSequence: stored.sequence))
                }
                guard let last = page.last, page.count == 1_000 else { break }
                cursor = last.sequence
            }
            return Recording(storedRun: "\(location) \(id)", events: events)
        } catch let error as RecordingError {
            throw error
        } catch {
            throw RecordingError("\(error)")
        }
    }
}
