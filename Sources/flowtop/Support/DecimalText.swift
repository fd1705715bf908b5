/// One decimal place, without Foundation's formatters ("12.3"): durations in the plain renderer.
func format3(_ value: Double) -> String {
    let tenths = (value * 10).rounded()
    let whole = Int(tenths / 10)
    let fraction = Int(abs(tenths).truncatingRemainder(dividingBy: 10))
    return "\(whole).\(fraction)"
}
