import AsyncHTTPClient
import NIOCore
import WorkflowCore

/// Words network failures for the person watching, and decides which ones a retry may cure.
struct TransportFailure {
    let provider: String
    /// `POST <url>`, for messages.
    let source: String
    let host: String
    let timeouts: ChatTimeouts

    /// A failure before any byte of the response: a connection that could not be made is worth retrying; a timeout
    /// waiting for a slow model, or a bad URL, is not.
    func beforeResponse(_ error: any Error) -> (error: ChatClientError, retryable: Bool) {
        if let error = error as? HTTPClientError {
            if error == .connectTimeout {
                return (failure("timed out connecting to \(host) (connect timeout \(timeouts.connect.spoken))"), true)
            }
            if error == .readTimeout {
                return (failure("timed out: \(source) sent no response for \(timeouts.idleRead.spoken)"), false)
            }
            if error == .deadlineExceeded {
                return (failure("timed out waiting for \(source) to answer"), false)
            }
            if error == .remoteConnectionClosed {
                return (failure("\(host) closed the connection before answering \(source)"), true)
            }
            // (Resolution already insists on an http(s) URL with a host; these guard settings made by hand.)
            if [.invalidURL, .emptyHost, .emptyScheme].contains(error) {
                return (
                    ChatClientError(kind: .configuration, provider: provider, message: "\(source): \(error)"), false
                )
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return (failure("timed out connecting to \(host) (connect timeout \(timeouts.connect.spoken))"), true)
        }
        return (failure("could not connect to \(host) for \(source): \(Self.describe(error))"), true)
    }

    /// A failure after the stream began; never retried.
    func duringStream(_ error: any Error) -> ChatClientError {
        if let error = error as? HTTPClientError, error == .readTimeout {
            return failure(
                "timed out: the stream from \(source) went silent for \(timeouts.idleRead.spoken) before [DONE]")
        }
        return failure("the stream from \(source) was cut off before [DONE]: \(Self.describe(error))")
    }

    private func failure(_ message: String) -> ChatClientError {
        ChatClientError(kind: .transport, provider: provider, message: message)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError, error == .remoteConnectionClosed {
            return "the server closed the connection"
        }
        return String(describing: error)
    }
}
