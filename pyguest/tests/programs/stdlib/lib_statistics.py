import statistics as st
from fractions import Fraction as F

ints = [2, 4, 4, 4, 5, 5, 7, 9]
floats = [1.5, 2.25, 3.1, 4.8, 0.7, 2.2, 9.9, 0.1]
fracs = [F(1, 2), F(3, 4), F(5, 4), F(7, 3)]
mixed = [1, 2.5, 3, 4.25]
for name, data in [("ints", ints), ("floats", floats), ("fracs", fracs), ("mixed", mixed)]:
    print(name, repr(st.mean(data)), repr(st.fmean(data)), repr(st.median(data)), repr(st.median_low(data)),
          repr(st.median_high(data)), repr(st.variance(data)), repr(st.pvariance(data)),
          repr(st.stdev(data)), repr(st.pstdev(data)))
print(st.mean([1, 2, 3]), st.mean([1, 2]), st.mean(range(1, 101)), st.mean([0.1] * 10), st.mean([1e50, 1, -1e50]))
print(st.median([3, 1, 2]), st.median([4, 1, 3, 2]), st.median_grouped([1, 2, 2, 3, 4, 4, 4, 4, 4, 5]), st.median_grouped([52, 52, 53, 54], interval=2))
print(st.mode([1, 1, 2, 3, 3, 3, 3, 4]), st.mode("aabbbc"), st.mode([1, 2, 2, 1]), st.multimode("aabbbbccddddeeffffgg"), st.multimode([]))
print(st.variance(ints, 5.0), st.pvariance(ints, 5), st.stdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]), st.pstdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]))
print(st.geometric_mean([54, 24, 36]), st.harmonic_mean([40, 60]), st.harmonic_mean([40, 60], weights=[5, 30]), st.fmean([3.5, 4.0, 5.25], weights=[0.7, 0.2, 0.1]))
print(st.quantiles([105, 129, 87, 86, 111, 111, 89, 81, 108, 92, 110, 100, 75, 105, 103, 109, 76, 119, 99, 91, 103, 129, 106, 101, 84, 111, 74, 87, 86, 103, 103, 106, 86, 111, 75, 87, 102, 121, 111, 88, 89, 101, 106, 95, 103, 107, 101, 81, 109, 104], n=10))
print(st.quantiles([1, 2, 3, 4, 5, 6, 7], n=4, method="inclusive"), st.quantiles([1.0, 9.0], n=3))
x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
y = [1, 2, 3, 1, 2, 3, 1, 2, 3]
print(st.covariance(x, y), st.correlation(x, x[::-1]), st.correlation(x, y), st.linear_regression(x, [2 * v + 1 for v in x]))
lr = st.linear_regression([1, 2, 3], [2, 4.1, 5.9], proportional=True)
print(lr.slope, lr.intercept)
nd = st.NormalDist(100, 15)
print(nd, nd.pdf(110), nd.cdf(130), nd.inv_cdf(0.95), nd.quantiles(), nd.zscore(85), nd.mean, nd.variance)
print(st.NormalDist.from_samples([2.5, 3.1, 2.1, 2.4, 2.7, 3.5]), nd + 5, nd * 2, nd + st.NormalDist(0, 20))
for thunk in (lambda: st.mean([]), lambda: st.variance([1]), lambda: st.median([]), lambda: st.mode([]), lambda: st.stdev([1])):
    try:
        thunk()
    except st.StatisticsError as e:
        print("StatisticsError", e, isinstance(e, ValueError))
print(st.mean([True, False, True]), st.variance([1, 1, 1]), st.pstdev([5]), st.stdev([10 ** 20, 10 ** 20 + 2]))
print(st.mean(iter([1.0, 2.0])), st.variance(iter([1.0, 2.0, 4.0])), st.mean([F(1, 3), 2]))
