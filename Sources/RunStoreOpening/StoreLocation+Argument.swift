import ArgumentParser
import RunStore

extension StoreLocation: ExpressibleByArgument {
    public init?(argument: String) {
        guard let location = try? StoreLocation(parsing: argument) else { return nil }
        self = location
    }

    public static var defaultCompletionKind: CompletionKind { .default }
}

/// How long finished runs are kept (`--retain 7d`): a number and a unit, s, m, h or d.
public struct RetentionAge: Sendable, Hashable, ExpressibleByArgument, CustomStringConvertible {
    public var seconds: Int

    public init?(argument: String) {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        guard let unit = argument.last, let scale = units[unit], let count = Int(argument.dropLast()), count > 0
        else { return nil }
        seconds = count * scale
    }

    public var duration: Duration { .seconds(seconds) }
    public var description: String { "\(seconds)s" }
}
