package dev.losscompare.trainer;
import org.bytedeco.pytorch.*;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.openblas.global.openblas_full;
public class Probe {
  public static void main(String[] a) {
    int tt = Integer.parseInt(a[0]), bt = Integer.parseInt(a[1]);
    torch.set_num_threads(tt);
    if (bt > 0) openblas_full.openblas_set_num_threads(bt);
    System.out.println("torch threads " + torch.get_num_threads() + " blas " + openblas_full.openblas_get_num_threads() + " core=" + openblas_full.openblas_get_corename().getString() + " cfg=" + openblas_full.openblas_get_config().getString());
    torch.manual_seed(0);
    Tensor x = torch.randn(1024, 1024), y = torch.randn(1024, 1024);
    for (int i = 0; i < 3; i++) torch.matmul(x, y);
    int n = 20; long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) { Tensor z = torch.matmul(x, y); z.close(); }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("1024 matmul: %.1f GFLOP/s%n", 2.0 * 1024 * 1024 * 1024 * n / s / 1e9);
    Tensor x2 = torch.randn(2048, 256), w = torch.randn(768, 256);
    t0 = System.nanoTime();
    for (int i = 0; i < n; i++) { Tensor z = torch.matmul(x2, w.t()); z.close(); }
    s = (System.nanoTime() - t0) / 1e9;
    System.out.printf("2048x256x768 matmul: %.1f GFLOP/s%n", 2.0 * 2048 * 256 * 768 * n / s / 1e9);
  }
}
