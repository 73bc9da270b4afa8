# Every chart kind, written to PNG and SVG files.
# Run with: arr examples/charts.arr OUT_FOLDER   (default: the current folder)
# The example test passes a temporary folder and removes it afterwards.
out = "."
if len(argv) > 0 {
    out = argv[0]
}
seed(0)

# Lines: several series, a dashed one, markers, a legend and a grid.
x = linspace(0, 2 * pi, 100)
plot(x, sin(x), label="sin")
plot(x, cos(x), style="--", label="cos")
plot(x[::10], sin(x[::10]) * 0.5, style="o", label="samples")
title("Waves"); xlabel("t"); ylabel("value"); legend(); grid()
savefig(out + "/lines.png")
savefig(out + "/lines.svg")

# Scatter with per-point sizes and colours.
figure()
px = randn(200)
py = px * 0.5 + randn(200) * 0.3
scatter(px, py, s=abs(randn(200)) * 60, c=py, cmap="viridis")
title("Scatter")
savefig(out + "/scatter.png")

# Histogram: counts and edges come back as numpy.histogram gives them.
figure()
counts, edges = hist(randn(2000), bins=30, label="randn")
assert(sum(counts) == 2000, "every value is counted")
assert(len(edges) == 31, "31 edges for 30 bins")
title("Histogram"); legend()
savefig(out + "/hist.png")

# Bars, including a negative one.
figure()
bar([1, 2, 3, 4], [3, -1, 4, 2], color="green")
title("Bars")
savefig(out + "/bar.png")

# A heat map with its colour bar.
figure()
g = linspace(-2, 2, 40)
imshow(exp(-(reshape(g, 40, 1) ** 2 + g ** 2)), cmap="magma")
title("Heat map")
savefig(out + "/imshow.png")

# Four panels in one figure, then the same figure as text.
figure(width=900, height=700)
subplot(2, 2, 1); plot(x, sin(x)); title("plot")
subplot(2, 2, 2); scatter(px, py); title("scatter")
subplot(2, 2, 3); hist(py, bins=20); title("hist")
subplot(2, 2, 4); imshow(reshape(arange(12), 3, 4)); title("imshow")
savefig(out + "/panels.png")
show()
print("charts written to", out)
