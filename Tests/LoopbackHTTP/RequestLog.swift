import Synchronization

/// The requests a server received and its connection count, shared by its connection tasks.
final class RequestLog: Sendable {
    private struct State {
        var requests: [RecordedRequest] = []
        var connections = 0
    }

    private let state = Mutex(State())

    var requests: [RecordedRequest] { state.withLock { $0.requests } }

    func nextConnectionNumber() -> Int {
        state.withLock { state in
            defer { state.connections += 1 }
            return state.connections
        }
    }

    /// Numbers and stores a request, returning it as recorded.
    func record(
        connectionNumber: Int, method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8]
    ) -> RecordedRequest {
        state.withLock { state in
            let request = RecordedRequest(
                sequenceNumber: state.requests.count, connectionNumber: connectionNumber, method: method, uri: uri,
                headers: headers, body: body, receivedAt: .now)
            state.requests.append(request)
            return request
        }
    }
}
