import ArgumentParser
import Logging
import ModelClients
import Wire

/// The dialect flags take the dialect names themselves, so `--help` lists them and a typo gets ArgumentParser's
/// own error.
extension WireDialect: ExpressibleByArgument {}

/// `attach --format`: a dialect, or `auto` to detect it from the first events.
enum DialectChoice: ExpressibleByArgument, Hashable, CustomStringConvertible {
    case auto
    case dialect(WireDialect)

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if let dialect = WireDialect(rawValue: argument) {
            self = .dialect(dialect)
        } else {
            return nil
        }
    }

    static var allValueStrings: [String] { ["auto"] + WireDialect.allCases.map(\.rawValue) }

    var description: String {
        switch self {
        case .auto: "auto"
        case let .dialect(dialect): dialect.rawValue
        }
    }

    /// The dialect to force, nil to detect.
    var forced: WireDialect? {
        if case let .dialect(dialect) = self { return dialect }
        return nil
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

extension ProviderChoice: ExpressibleByArgument {}
