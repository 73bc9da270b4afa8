//! The backend trait, method by method: the CPU backend against the array
//! kernels it wraps, and the GPU backend against the CPU backend (to
//! float32 precision). A new backend gets the same checks by adding it here.

mod common;
use common::have_gpu;

use arr::array::elementwise::{self, BinaryOp, Operand, UnaryOp};
use arr::array::index::IndexItem;
use arr::array::reduce::ReduceOp;
use arr::array::{Array, DType, Scalar};
use arr::backend::{BackendStorage, DeviceKind, Input, Step, Storage};
use arr::gpu::GpuArray;

fn sample(shape: &[usize], k: f64) -> Array {
    let n: usize = shape.iter().product();
    let v: Vec<f64> = (0..n)
        .map(|i| ((i as f64 + k) * 0.37).sin() * 3.0)
        .collect();
    Array::from_vec(shape, v)
}

/// Same shape, same dtype, values equal to float32 precision.
fn close(what: &str, got: &Array, want: &Array) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    let (g, w) = (got.to_f64_vec(), want.to_f64_vec());
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5 * (1.0 + b.abs()),
            "{what}: element {i}: {a} vs {b}"
        );
    }
}

#[test]
fn cpu_program_is_the_elementwise_kernels() {
    let x = sample(&[3, 4], 0.0);
    let y = sample(&[4], 1.0);
    // where(x > 0, exp(x) * y + 2, -1)
    let cond = elementwise::binary(
        BinaryOp::Gt,
        &Operand::Array(x.clone()),
        &Operand::Scalar(Scalar::F64(0.0), true),
    )
    .unwrap();
    let Operand::Array(cond) = cond else {
        panic!("a comparison of an array is an array")
    };
    let ins = [
        Input::Array(&cond),
        Input::Array(&x),
        Input::Array(&y),
        Input::Scalar(Scalar::F64(2.0), true),
        Input::Scalar(Scalar::F64(-1.0), true),
    ];
    let prog = [
        Step::Input(0),
        Step::Input(1),
        Step::Unary(UnaryOp::Exp),
        Step::Input(2),
        Step::Binary(BinaryOp::Mul),
        Step::Input(3),
        Step::Binary(BinaryOp::Add),
        Step::Input(4),
        Step::Where,
    ];
    let got = Array::program(&prog, &ins)
        .unwrap()
        .expect("the CPU runs every program");
    let mut want = Vec::new();
    let (xv, yv) = (x.to_f64_vec(), y.to_f64_vec());
    for i in 0..12 {
        let v = xv[i].exp() * yv[i % 4] + 2.0;
        want.push(if xv[i] > 0.0 { v } else { -1.0 });
    }
    assert_eq!(got.dtype(), DType::F64);
    assert_eq!(got.to_f64_vec(), want, "same bits as the scalar formula");
    // A malformed program is an error, not a panic.
    assert!(Array::program(&[Step::Binary(BinaryOp::Add)], &ins).is_err());
    assert!(Array::program(&[Step::Input(9)], &ins).is_err());
}

#[test]
fn cpu_backend_wraps_the_array_kernels() {
    let a = sample(&[2, 3, 4], 0.0);
    assert_eq!(<Array as BackendStorage>::DEVICE, DeviceKind::Cpu);
    let s = Storage::Cpu(a.clone());
    assert_eq!(
        (s.shape(), s.dtype(), s.len(), s.device().name()),
        (&[2, 3, 4][..], DType::F64, 24, "cpu")
    );
    let r = a
        .reduce(ReduceOp::Sum, Some(&[0, 2]), true)
        .unwrap()
        .unwrap();
    let want = arr::array::reduce::reduce(&a, ReduceOp::Sum, Some(&[0, 2]), true, 0.0).unwrap();
    close("sum", &r.to_host().unwrap(), &want);
    assert_eq!(r.shape(), &[1, 3, 1]);
    let t = a.permute(&[2, 0, 1]);
    assert_eq!(BackendStorage::shape(&t), &[4, 2, 3]);
    let e = a.insert_axis(1).unwrap();
    assert_eq!(BackendStorage::shape(&e), &[2, 1, 3, 4]);
    let c = Array::concatenate(&[a.clone(), a.clone()], 1)
        .unwrap()
        .unwrap();
    assert_eq!(BackendStorage::shape(&c), &[2, 6, 4]);
    let bad = Array::concatenate(&[a.clone(), sample(&[2, 2], 0.0)], 1);
    assert!(bad.is_err(), "the CPU reports a mismatch");
}

#[test]
fn gpu_backend_matches_the_cpu_backend() {
    if !have_gpu() {
        return;
    }
    let up = |a: &Array| {
        GpuArray::from_host(a)
            .unwrap()
            .expect("a float array uploads")
    };
    let down = |g: &GpuArray| g.to_host().unwrap();
    // float32 on both backends, so dtypes compare too.
    let f32s = |shape: &[usize], k: f64| sample(shape, k).astype(DType::F32);
    let a = f32s(&[5, 7], 0.0);
    let b = f32s(&[7, 3], 2.0);
    let v = f32s(&[7], 4.0);
    let (ga, gb, gv) = (up(&a), up(&b), up(&v));
    assert_eq!(<GpuArray as BackendStorage>::DEVICE, DeviceKind::Gpu);
    assert_eq!(Storage::Gpu(ga.clone()).device().name(), "gpu");

    // An elementwise program with a broadcast operand and a scalar.
    let prog = [
        Step::Input(0),
        Step::Unary(UnaryOp::Tanh),
        Step::Input(1),
        Step::Binary(BinaryOp::Mul),
        Step::Input(2),
        Step::Binary(BinaryOp::Sub),
    ];
    let cpu = Array::program(
        &prog,
        &[
            Input::Array(&a),
            Input::Array(&v),
            Input::Scalar(Scalar::F64(0.5), true),
        ],
    )
    .unwrap()
    .unwrap();
    let gpu = GpuArray::program(
        &prog,
        &[
            Input::Array(&ga),
            Input::Array(&gv),
            Input::Scalar(Scalar::F64(0.5), true),
        ],
    )
    .unwrap()
    .expect("float programs run on the GPU");
    close("program", &down(&gpu), &cpu);

    close(
        "matmul",
        &down(&ga.matmul(&gb).unwrap().unwrap()),
        &a.matmul(&b).unwrap().unwrap(),
    );
    close(
        "matvec",
        &down(&ga.matmul(&gv).unwrap().unwrap()),
        &a.matmul(&v).unwrap().unwrap(),
    );

    for (op, axes, keep) in [
        (ReduceOp::Sum, None, false),
        (ReduceOp::Mean, Some(&[1usize][..]), true),
        (ReduceOp::Max, Some(&[0usize][..]), false),
        (ReduceOp::ArgMax, None, false),
        (ReduceOp::ArgMin, Some(&[1usize][..]), false),
    ] {
        let g = ga.reduce(op, axes, keep).unwrap().expect("GPU reduction");
        let c = a.reduce(op, axes, keep).unwrap().unwrap();
        let what = format!("{op:?} {axes:?} keepdims={keep}");
        assert_eq!(g.dtype(), c.dtype(), "{what}: dtype");
        close(&what, &g.to_host().unwrap(), &c.to_host().unwrap());
    }
    assert!(
        ga.reduce(ReduceOp::Median, None, false).unwrap().is_none(),
        "median: CPU fallback"
    );

    let items = [
        IndexItem::Slice {
            start: Some(-1),
            stop: None,
            step: Some(-2),
        },
        IndexItem::NewAxis,
        IndexItem::Int(3),
    ];
    close(
        "index",
        &down(&ga.index(&items).unwrap().unwrap()),
        &a.index(&items).unwrap().unwrap(),
    );
    assert!(
        ga.index(&[IndexItem::Int(99)]).unwrap().is_none(),
        "out of range: the CPU reports it"
    );

    close("permute", &down(&ga.permute(&[1, 0])), &a.permute(&[1, 0]));
    let t = ga.permute(&[1, 0]);
    close(
        "reshape of a view",
        &down(&t.reshape(&[35]).unwrap().unwrap()),
        &BackendStorage::reshape(&a.permute(&[1, 0]), &[35])
            .unwrap()
            .unwrap(),
    );
    assert!(ga.reshape(&[4, 4]).unwrap().is_none());
    close(
        "broadcast_to",
        &down(&gv.broadcast_to(&[2, 7]).unwrap().unwrap()),
        &v.broadcast_to(&[2, 7]).unwrap().unwrap(),
    );
    close(
        "insert_axis",
        &down(&ga.insert_axis(2).unwrap()),
        &a.insert_axis(2).unwrap(),
    );
    close(
        "copy",
        &down(&t.copy().unwrap()),
        &a.permute(&[1, 0]).copy().unwrap(),
    );
    let cat_g = GpuArray::concatenate(&[ga.clone(), ga.clone()], 0)
        .unwrap()
        .unwrap();
    let cat_c = Array::concatenate(&[a.clone(), a.clone()], 0)
        .unwrap()
        .unwrap();
    close("concatenate", &down(&cat_g), &cat_c);
    assert!(GpuArray::concatenate(&[ga.clone(), gb.clone()], 0)
        .unwrap()
        .is_none());

    let flags = Array::from_vec(&[3], vec![true, false, true]);
    let gf = up(&flags);
    assert_eq!(BackendStorage::dtype(&gf), DType::Bool);
    let f = gf
        .astype(DType::F32)
        .unwrap()
        .expect("bool -> float32 on the GPU");
    close(
        "astype",
        &down(&f),
        &BackendStorage::astype(&flags, DType::F32).unwrap().unwrap(),
    );
    assert!(
        ga.astype(DType::I64).unwrap().is_none(),
        "int64 stays on the CPU"
    );

    // int64 beyond 2^24 has no exact float32: it stays on the host.
    let big = Array::from_vec(&[2], vec![1i64, (1 << 24) + 1]);
    assert!(GpuArray::from_host(&big).unwrap().is_none());
}
