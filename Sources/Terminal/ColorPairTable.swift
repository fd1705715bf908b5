import Dashboard

/// The colour pairs handed out so far, by (foreground, background) colour number. A terminal has `COLOR_PAIRS`
/// pairs at most (often 256 or 65,536); a theme uses a few dozen, but a truecolor theme could in principle ask for
/// more, so once the table is full the nearest pair already defined stands in instead of failing.
struct ColorPairTable {
    struct Key: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// Pair 0 is fixed by ncurses: the terminal default colours (or white on black without `use_default_colors`).
    let pairZero: Key
    /// `COLOR_PAIRS`: valid pair numbers are 1..<limit.
    let limit: Int
    let depth: ColorDepth
    private var pairs: [Key: Int32] = [:]
    /// Only pairs really defined (not stand-ins), for the nearest-pair search.
    private var defined: [(key: Key, pair: Int32)] = []
    private var next: Int32 = 1

    init(pairZero: Key, limit: Int, depth: ColorDepth) {
        self.pairZero = pairZero
        self.limit = limit
        self.depth = depth
        defined = [(pairZero, 0)]
        pairs[pairZero] = 0
    }

    /// The pair for `key`, defining it with `define(pair, fg, bg)` (`init_extended_pair`) the first time.
    mutating func pair(for key: Key, define: (Int32, Int32, Int32) -> Bool) -> Int32 {
        if let pair = pairs[key] { return pair }
        var pair: Int32
        if Int(next) < limit, define(next, key.foreground, key.background) {
            pair = next
            next += 1
            defined.append((key, pair))
        } else {
            pair = nearest(to: key)
        }
        pairs[key] = pair
        return pair
    }

    private func nearest(to key: Key) -> Int32 {
        var best: Int32 = 0
        var bestDistance = Int.max
        for candidate in defined {
            let distance = self.distance(key.foreground, candidate.key.foreground)
                + self.distance(key.background, candidate.key.background)
            if distance < bestDistance {
                best = candidate.pair
                bestDistance = distance
            }
        }
        return best
    }

    /// Weighted RGB distance; the default colour is only near itself.
    private func distance(_ a: Int32, _ b: Int32) -> Int {
        if a == b { return 0 }
        guard let x = ColorNumbers.rgb(of: a, depth: depth), let y = ColorNumbers.rgb(of: b, depth: depth) else {
            return 10 * 255 * 255
        }
        let dr = x.r - y.r
        let dg = x.g - y.g
        let db = x.b - y.b
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db
    }
}
