label = "loss: "
label + 1
