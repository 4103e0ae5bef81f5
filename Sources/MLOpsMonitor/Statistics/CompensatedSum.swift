/// Neumaier's compensated summation: a running sum and the rounding error it dropped, at least as accurate as
/// NumPy's pairwise sum for any number of terms.
struct CompensatedSum {
    private var sum = 0.0
    private var compensation = 0.0

    mutating func add(_ term: Double) {
        let next = sum + term
        compensation += abs(sum) >= abs(term) ? (sum - next) + term : (term - next) + sum
        sum = next
    }

    /// The sum with the dropped error added back; an infinite sum stays infinite (its compensation is NaN).
    var value: Double { sum.isFinite ? sum + compensation : sum }
}
