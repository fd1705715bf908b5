import Foundation
import PostgresNIO
import RunStore

/// Where a PostgreSQL run store lives, read from a libpq-style URL: `postgres://user:pass@host:port/db?sslmode=…`
/// over TCP, or `postgres:///db?host=/run/postgresql` (a `host` that is a folder) over the unix socket in that folder.
/// The password is kept for connecting only: `description`, every log line and every error show it as `***`.
public struct PostgresStoreAddress: Sendable, Hashable, CustomStringConvertible {
    /// How the connection reaches the server.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The socket file itself (`FOLDER/.s.PGSQL.PORT`, as libpq names it).
        case unixSocket(path: String, folder: String, port: Int)
    }

    /// libpq's `sslmode`, as far as postgres-nio can follow it.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var tlsMode: TLSMode
    /// Not part of `description` or equality's printouts; `PGPASSWORD` when the URL has none.
    var password: String?

    public static let defaultPort = 5432

    /// Reads a URL (or its text); a malformed one is `.unavailable` naming the address with any password redacted.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(RunStoreError)
    {
        let shown = Self.redacting(text)
        func refuse(_ reason: String) -> RunStoreError { .unavailable(store: shown, reason: reason) }
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw refuse("not a PostgreSQL URL (postgres://user:password@host:port/database or postgres:///database?host=/socket/folder)")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            query[item.name] = item.value ?? ""
        }
        let known: Set<String> = ["host", "port", "user", "password", "dbname", "sslmode"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw refuse("unknown parameter \(unknown) (known: \(known.sorted().joined(separator: ", ")))")
        }
        let portText = query["port"] ?? components.port.map(String.init)
        let port: Int
        if let portText {
            guard let parsed = Int(portText), (1...65_535).contains(parsed) else { throw refuse("port \(portText) is not a port number") }
            port = parsed
        } else {
            port = Self.defaultPort
        }
        let host = query["host"] ?? components.host.flatMap { $0.isEmpty ? nil : $0 }
        if let host, host.hasPrefix("/") {
            let folder = host.count > 1 && host.hasSuffix("/") ? String(host.dropLast()) : host
            endpoint = .unixSocket(path: "\(folder)/.s.PGSQL.\(port)", folder: folder, port: port)
        } else if let host {
            endpoint = .tcp(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port)
        } else {
            endpoint = .tcp(host: "localhost", port: port)
        }
        guard let user = query["user"] ?? components.user ?? environment["PGUSER"] ?? environment["USER"], !user.isEmpty
        else { throw refuse("no user (postgres://USER@host/database)") }
        self.user = user
        password = query["password"] ?? components.password ?? environment["PGPASSWORD"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = query["dbname"] ?? (path.isEmpty ? user : path)
        guard !database.contains("/") else { throw refuse("database name \(database) has a slash") }
        self.database = database
        if let mode = query["sslmode"] {
            guard let parsed = TLSMode(rawValue: mode) else {
                throw refuse("sslmode \(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tlsMode = parsed
        } else {
            tlsMode = .prefer
        }
    }

    /// `postgres://user:***@host:port/db?sslmode=…`, or `postgres://user@/db?host=/folder&port=…` for a socket.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        switch endpoint {
        case let .tcp(host, port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            let mode = tlsMode == .prefer ? "" : "?sslmode=\(tlsMode.rawValue)"
            return "postgres://\(credentials)@\(shownHost):\(port)/\(database)\(mode)"
        case let .unixSocket(_, folder, port):
            return "postgres://\(credentials)@/\(database)?host=\(folder)&port=\(port)"
        }
    }

    /// The same text with any password in it replaced by `***` (userinfo and a `password=` parameter), for
    /// addresses too malformed to read.
    public static func redacting(_ text: String) -> String {
        var result = text
        if let schemeEnd = result.range(of: "://") {
            let rest = result[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            if let at = rest[..<authorityEnd].lastIndex(of: "@"),
                let colon = rest[..<at].firstIndex(of: ":")
            {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let parameter = result.range(of: "password=") {
            let valueEnd = result[parameter.upperBound...].firstIndex(of: "&") ?? result.endIndex
            result.replaceSubrange(parameter.upperBound..<valueEnd, with: "***")
        }
        return result
    }

    /// The client configuration postgres-nio's pool connects with.
    func clientConfiguration() -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case let .tcp(host, port):
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database,
                tls: clientTLS)
        case let .unixSocket(path, _, _):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        configuration.options.maximumConnections = 10
        return configuration
    }

    /// A single connection's configuration: the listening connection and the start-up migration use their own.
    public func connectionConfiguration() throws(RunStoreError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case let .tcp(host, port):
            configuration = .init(
                host: host, port: port, username: user, password: password, database: database,
                tls: try connectionTLS())
        case let .unixSocket(path, _, _):
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
        }
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch tlsMode {
        case .disable: return .disable
        case .allow, .prefer: return .prefer(Self.unverifiedTLS)
        case .require: return .require(Self.unverifiedTLS)
        case .verifyCA, .verifyFull: return .require(.makeClientConfiguration())
        }
    }

    private func connectionTLS() throws(RunStoreError) -> PostgresConnection.Configuration.TLS {
        do {
            switch tlsMode {
            case .disable: return .disable
            case .allow, .prefer: return .prefer(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .require: return .require(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .verifyCA, .verifyFull: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        } catch {
            throw .unavailable(store: description, reason: "TLS could not be set up: \(error)")
        }
    }

    /// libpq's `prefer` and `require` encrypt without checking the certificate; `verify-*` check it.
    private static var unverifiedTLS: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }
}
